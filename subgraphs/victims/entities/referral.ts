import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { ReferralRole, ReferralStatus } from "./enums";
import type { Victim } from "./victim";

/** An explicit, revocable grant of one case to one partner organisation. */
@ObjectType({ description: "A grant of one case to one partner organisation, for a stated purpose." })
@Entity({ name: "referral" })
export class Referral {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "victim_id", type: "uuid" })
  victimId!: string;

  @ManyToOne("Victim", "referrals", { onDelete: "CASCADE" })
  @JoinColumn({ name: "victim_id" })
  victim?: Victim;

  @Field({ description: "The organisation the case is referred to." })
  @Column({ name: "to_org", type: "text" })
  toOrg!: string;

  @Field(() => ReferralRole, {
    description: "The kind of partner the case is referred to; only that role of that organisation gains access.",
  })
  @Column({ name: "to_role", type: "text" })
  toRole!: ReferralRole;

  // Nullable: the addressee no longer reads it once the referral is closed (resolvers/referral-resolver.ts).
  @Field(() => String, {
    nullable: true,
    description:
      "Why the case is referred. Null for the addressee once the referral is DECLINED or REVOKED: its access to the case has ended.",
  })
  // Null once a closed referral's retention period is over (retention.ts) or the person is erased (erasure.ts): the purpose describes the case.
  @Column({ type: "text", nullable: true })
  purpose!: string | null;

  @Field(() => ReferralStatus)
  @Column({ type: "text" })
  status!: ReferralStatus;

  @Field()
  @Column({ name: "created_by_org", type: "text" })
  createdByOrg!: string;

  @Field()
  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: "decided_at", type: "timestamptz", nullable: true })
  decidedAt!: Date | null;

  /** When the retention job erased its personal content (retention.ts); not in the schema. */
  @Column({ name: "retention_erased_at", type: "timestamptz", nullable: true })
  retentionErasedAt!: Date | null;
}
