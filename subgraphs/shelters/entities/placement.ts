import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { PlacementEndReason } from "./enums";
import { Shelter } from "./shelter";

/** Which victim sleeps where, from when to when. At most one open placement per person. */
@ObjectType({ description: "A stay of one survivor in one shelter." })
@Entity({ name: "placement" })
export class Placement {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  /** Null once an ended stay's retention period is over (retention.ts); an open stay always names its person (a check). */
  @Column({ name: "victim_id", type: "uuid", nullable: true })
  victimId!: string | null;

  @Column({ name: "shelter_id", type: "text" })
  shelterId!: string;

  @Field(() => Shelter)
  @ManyToOne(() => Shelter, { eager: false })
  @JoinColumn({ name: "shelter_id" })
  shelter!: Shelter;

  @Field()
  @Column({ name: "placed_at", type: "timestamptz" })
  placedAt!: Date;

  @Field(() => Date, { nullable: true, description: "When the stay ended; null while the person is there." })
  @Column({ name: "ended_at", type: "timestamptz", nullable: true })
  endedAt!: Date | null;

  @Field(() => PlacementEndReason, {
    nullable: true,
    description: "Why the stay ended; null while the person is there.",
  })
  @Column({ name: "end_reason", type: "text", nullable: true })
  endReason!: PlacementEndReason | null;

  @Column({ name: "placed_by_org", type: "text" })
  placedByOrg!: string;

  @Column({ name: "ended_by_org", type: "text", nullable: true })
  endedByOrg!: string | null;

  /** When the retention job erased the link to the person (retention.ts); not in the schema. */
  @Column({ name: "retention_erased_at", type: "timestamptz", nullable: true })
  retentionErasedAt!: Date | null;
}
