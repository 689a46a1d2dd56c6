import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

export enum ErasureStatus {
  /** The case is erased here; some subgraph has not confirmed yet (its order is retried). */
  IN_PROGRESS = "IN_PROGRESS",
  /** Every subgraph confirmed. */
  COMPLETE = "COMPLETE",
}
registerEnumType(ErasureStatus, { name: "ErasureStatus" });

/** One subgraph's part of an erasure: the outbox row its order is delivered from, until it confirms. */
@ObjectType({ description: "One subgraph's part of an erasure." })
@Entity({ name: "erasure_delivery" })
export class ErasureDelivery {
  @PrimaryColumn({ name: "erasure_id", type: "uuid" })
  erasureId!: string;

  @Field({ description: "The subgraph ordered to erase." })
  @PrimaryColumn({ type: "text" })
  subgraph!: string;

  @Field(() => Int, { description: "Deliveries tried so far." })
  @Column({ type: "integer" })
  attempts!: number;

  @Field(() => Date, { nullable: true, description: "When the subgraph confirmed; null until it has." })
  @Column({ name: "confirmed_at", type: "timestamptz", nullable: true })
  confirmedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "When the next delivery is tried; null once confirmed." })
  @Column({ name: "next_attempt_at", type: "timestamptz" })
  nextAttemptAt!: Date | null;

  /** Why the last delivery failed (unreachable, refused): no value of any record. */
  @Column({ name: "last_failure", type: "text", nullable: true })
  lastFailure!: string | null;
}

/** A request to erase one case: recorded with the case's own erasure, delivered to every other subgraph from here. */
@ObjectType({ description: "An erasure on request and how far it got in each subgraph." })
@Entity({ name: "erasure_request" })
export class ErasureRequest {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID)
  @Column({ name: "victim_id", type: "uuid" })
  victimId!: string;

  @Field({ description: "Why the case is erased (the legal basis): write no personal detail in it." })
  @Column({ type: "text" })
  reason!: string;

  @Column({ name: "requested_by_sub", type: "text" })
  requestedBySub!: string;

  @Field({ description: "The organisation that asked." })
  @Column({ name: "requested_by_org", type: "text" })
  requestedByOrg!: string;

  @Field({ description: "The role it asked in." })
  @Column({ name: "requested_by_role", type: "text" })
  requestedByRole!: string;

  @Column({ name: "request_id", type: "text" })
  requestId!: string;

  @Field()
  @Column({ name: "requested_at", type: "timestamptz" })
  requestedAt!: Date;

  @Field(() => Date, { nullable: true, description: "When every subgraph had confirmed." })
  @Column({ name: "completed_at", type: "timestamptz", nullable: true })
  completedAt!: Date | null;

  @Field(() => ErasureStatus)
  status!: ErasureStatus;

  @Field(() => [ErasureDelivery], {
    description: "Each other subgraph's part (the victims subgraph's own is done with the request).",
  })
  deliveries!: ErasureDelivery[];
}

/** A government legal hold: erasure is refused while it stands. Lifting keeps the row. */
@ObjectType({ description: "A government legal hold on a case: erasure is refused while it stands." })
@Entity({ name: "legal_hold" })
export class LegalHold {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID)
  @Column({ name: "victim_id", type: "uuid" })
  victimId!: string;

  @Field({ description: "Why (e.g. the proceedings it serves): write no personal detail in it." })
  @Column({ type: "text" })
  reason!: string;

  @Field()
  @Column({ name: "placed_by_org", type: "text" })
  placedByOrg!: string;

  @Column({ name: "placed_by_sub", type: "text" })
  placedBySub!: string;

  @Field()
  @Column({ name: "placed_at", type: "timestamptz" })
  placedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: "lifted_at", type: "timestamptz", nullable: true })
  liftedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "lifted_by_org", type: "text", nullable: true })
  liftedByOrg!: string | null;

  @Column({ name: "lifted_by_sub", type: "text", nullable: true })
  liftedBySub!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "lift_reason", type: "text", nullable: true })
  liftReason!: string | null;
}
