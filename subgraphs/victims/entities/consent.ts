import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";
import { ConsentKind } from "./enums";
import type { Victim } from "./victim";

/** The survivor's current decision on one kind of sharing; withdrawing takes effect at once. */
@ObjectType({ description: "A survivor's consent to one kind of sharing." })
@Entity({ name: "consent" })
@Unique(["victimId", "kind"])
export class Consent {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "victim_id", type: "uuid" })
  victimId!: string;

  @ManyToOne("Victim", "consents", { onDelete: "CASCADE" })
  @JoinColumn({ name: "victim_id" })
  victim?: Victim;

  @Field(() => ConsentKind)
  @Column({ type: "text" })
  kind!: ConsentKind;

  @Field({ description: "True while the consent stands; false once withdrawn or refused." })
  @Column({ type: "boolean" })
  granted!: boolean;

  @Field({ description: "Organisation that recorded the decision." })
  @Column({ name: "recorded_by_org", type: "text" })
  recordedByOrg!: string;

  /** The person (token subject) who recorded it; shown only to their own organisation (ConsentResolver). */
  @Column({ name: "recorded_by", type: "text" })
  recordedBy!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Role of whoever recorded the decision (government or ngo); null for decisions recorded before roles were kept.",
  })
  @Column({ name: "recorded_by_role", type: "text", nullable: true })
  recordedByRole!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "CONSULAR_CONTACT only: the country whose embassy the survivor agreed to be in contact with (their nationality when they agreed). Changing the nationality withdraws it.",
  })
  @Column({ type: "char", length: 2, nullable: true })
  country!: string | null;

  @Field()
  @Column({ name: "recorded_at", type: "timestamptz" })
  recordedAt!: Date;
}
