import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { RepatriationStatus } from "./repatriation-case";

/** One step of a repatriation case: from which state to which, by whom, when. Never changed. */
@ObjectType({ description: "One recorded step of a journey home." })
@Entity({ name: "repatriation_transition" })
export class RepatriationTransition {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "case_id", type: "uuid" })
  caseId!: string;

  @Field(() => RepatriationStatus, { nullable: true, description: "Null for the request that opened the case." })
  @Column({ name: "from_status", type: "text", nullable: true })
  fromStatus!: RepatriationStatus | null;

  @Field(() => RepatriationStatus)
  @Column({ name: "to_status", type: "text" })
  toStatus!: RepatriationStatus;

  @Field({ description: "The organisation that made the step." })
  @Column({ name: "by_org", type: "text" })
  byOrg!: string;

  @Field({ description: "The role it acted in." })
  @Column({ name: "by_role", type: "text" })
  byRole!: string;

  /** The person (token `sub`), kept for accountability, not exposed. */
  @Column({ name: "by_sub", type: "text" })
  bySub!: string;

  @Field()
  @Column({ type: "timestamptz" })
  at!: Date;
}
