import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from "typeorm";
import type { JourneyLeg } from "./journey-leg";

/**
 * REQUESTED → DOCUMENTS_PENDING → READY → TRAVEL_BOOKED → DEPARTED → ARRIVED, and
 * CANCELLED from any open state. The transitions live in `state-machine.ts`.
 */
export enum RepatriationStatus {
  REQUESTED = "REQUESTED",
  DOCUMENTS_PENDING = "DOCUMENTS_PENDING",
  READY = "READY",
  TRAVEL_BOOKED = "TRAVEL_BOOKED",
  DEPARTED = "DEPARTED",
  ARRIVED = "ARRIVED",
  CANCELLED = "CANCELLED",
}
registerEnumType(RepatriationStatus, { name: "RepatriationStatus" });

@ObjectType({ description: "One survivor's journey home, planned and tracked by the repatriation agency." })
@Directive('@key(fields: "id")')
@Entity({ name: "repatriation_case" })
export class RepatriationCase {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "victim_id", type: "uuid" })
  victimId!: string;

  @Field(() => RepatriationStatus)
  @Column({ type: "text" })
  status!: RepatriationStatus;

  @Field({ description: "ISO 3166-1 alpha-2 of the country the person returns to." })
  @Column({ name: "destination_country", type: "char", length: 2 })
  destinationCountry!: string;

  @Field(() => String, { nullable: true, description: "Who receives the person on arrival." })
  @Column({ name: "receiving_organisation", type: "text", nullable: true })
  receivingOrganisation!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The receiving organisation's hub id, if it takes part: it may see the case and confirm arrival.",
  })
  @Column({ name: "receiving_org_id", type: "text", nullable: true })
  receivingOrgId!: string | null;

  // Nullable: a role that may not read the medical escort need gets null here (filter mode), not a broken parent.
  @Field(() => Boolean, {
    nullable: true,
    description:
      "Whether the person travels with an escort (always when the victims subgraph records a medical escort need).",
  })
  // Null once a closed case's retention period is over (retention.ts): it is derived from a medical need.
  @Column({ name: "escort_required", type: "boolean", nullable: true, default: false })
  escortRequired!: boolean | null;

  @Field(() => String, { nullable: true, description: "What the escort must provide (may include medical detail)." })
  @Column({ name: "escort_needs", type: "text", nullable: true })
  escortNeeds!: string | null;

  /** The case owner's organisation, copied from the victims subgraph when the case is opened. */
  @Column({ name: "case_owner_org", type: "text" })
  caseOwnerOrg!: string;

  @OneToMany("JourneyLeg", "repatriationCase")
  journeyLegs?: JourneyLeg[];

  @Field()
  @CreateDateColumn({ name: "requested_at", type: "timestamptz" })
  requestedAt!: Date;

  @Field()
  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;

  /** When the retention job erased its personal details (retention.ts); not in the schema. */
  @Column({ name: "retention_erased_at", type: "timestamptz", nullable: true })
  retentionErasedAt!: Date | null;
}
