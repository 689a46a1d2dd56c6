import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { VerificationStatus } from "./enums";

@ObjectType({ description: "An embassy's decision on whether a survivor is its national." })
@Entity({ name: "nationality_verification" })
export class NationalityVerification {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "victim_id", type: "uuid" })
  victimId!: string;

  @Field({ description: "The country asked to verify (ISO 3166-1 alpha-2)." })
  @Column({ type: "char", length: 2 })
  country!: string;

  @Field(() => VerificationStatus)
  @Column({ type: "text" })
  status!: VerificationStatus;

  @Field()
  @Column({ name: "requested_at", type: "timestamptz" })
  requestedAt!: Date;

  @Column({ name: "requested_by_org", type: "text" })
  requestedByOrg!: string;

  @Field(() => Date, { nullable: true })
  @Column({ name: "decided_at", type: "timestamptz", nullable: true })
  decidedAt!: Date | null;

  @Column({ name: "decided_by_org", type: "text", nullable: true })
  decidedByOrg!: string | null;

  @Field(() => String, { nullable: true, description: "Why the embassy rejected, if it did." })
  @Column({ type: "text", nullable: true })
  reason!: string | null;
}
