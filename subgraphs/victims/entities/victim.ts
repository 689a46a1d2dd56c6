import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from "typeorm";
import { encryptedColumn, matchingColumn } from "../../../platform/encryption";
import { AgeBracket, Gender, NrmStatus } from "./enums";
import { Consent } from "./consent";
import { Referral } from "./referral";

/** The most dangerous values of a case, encrypted at rest (docs/encryption.md); raw SQL goes through these too. */
export const IDENTITY_DOCUMENT_NUMBER = encryptedColumn("victim", "identity_document_number");
export const TESTIMONY = encryptedColumn("victim", "testimony");
export const FAMILY_CONTACT = encryptedColumn("victim", "family_contact");
/** Duplicate detection matches identity documents by this keyed hash, never by the value. */
export const IDENTITY_DOCUMENT_MATCH = matchingColumn("victim", "identity_document_hash", IDENTITY_DOCUMENT_NUMBER);

/** A survivor's case. Owned by the victims subgraph; others extend it by `id`. */
@ObjectType({ description: "A survivor's case: identity, NRM status, needs and testimony." })
@Directive('@key(fields: "id")')
@Entity({ name: "victim" })
export class Victim {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field({ description: "Human-readable case number, e.g. MS-2026-0001." })
  @Column({ name: "case_number", type: "text", unique: true })
  caseNumber!: string;

  @Field({ description: "ISO 3166-1 alpha-2 country of nationality (claimed until verified)." })
  @Column({ type: "char", length: 2 })
  nationality!: string;

  @Field(() => Gender)
  @Column({ type: "text" })
  gender!: Gender;

  @Field(() => AgeBracket)
  @Column({ name: "age_bracket", type: "text" })
  ageBracket!: AgeBracket;

  @Field(() => String, { nullable: true, description: "The name the person asks to be called." })
  @Column({ name: "preferred_name", type: "text", nullable: true })
  preferredName!: string | null;

  @Field(() => [String], { nullable: true, description: "Languages spoken (ISO 639-1)." })
  @Column({ type: "text", array: true, default: () => "'{}'" })
  languages!: string[];

  @Field(() => String, { nullable: true })
  @Column({ name: "legal_name", type: "text", nullable: true })
  legalName!: string | null;

  @Field(() => String, { nullable: true, description: "Date of birth, YYYY-MM-DD." })
  @Column({ name: "date_of_birth", type: "date", nullable: true })
  dateOfBirth!: string | null;

  @Field(() => String, { nullable: true })
  @Column({
    name: "identity_document_number",
    type: "text",
    nullable: true,
    transformer: IDENTITY_DOCUMENT_NUMBER.transformer,
  })
  identityDocumentNumber!: string | null;

  /** IDENTITY_DOCUMENT_MATCH of the number: set with it, never exposed. */
  @Column({ name: "identity_document_hash", type: "text", nullable: true })
  identityDocumentHash!: string | null;

  @Field(() => NrmStatus, { nullable: true })
  @Column({ name: "nrm_status", type: "text" })
  nrmStatus!: NrmStatus;

  @Field(() => Date, { nullable: true })
  @Column({ name: "identified_at", type: "timestamptz", nullable: true })
  identifiedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "rescue_location", type: "text", nullable: true })
  rescueLocation!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: "rescued_at", type: "timestamptz", nullable: true })
  rescuedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "medical_needs", type: "text", nullable: true })
  medicalNeeds!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "psychosocial_needs", type: "text", nullable: true })
  psychosocialNeeds!: string | null;

  @Field(() => Boolean, { nullable: true })
  @Column({ name: "requires_medical_escort", type: "boolean", default: false })
  requiresMedicalEscort!: boolean;

  @Field(() => String, { nullable: true, description: "The survivor's account. The most sensitive field of the hub." })
  @Column({ type: "text", nullable: true, transformer: TESTIMONY.transformer })
  testimony!: string | null;

  @Field(() => String, { nullable: true, description: "How to reach the family; can endanger them if leaked." })
  @Column({ name: "family_contact", type: "text", nullable: true, transformer: FAMILY_CONTACT.transformer })
  familyContact!: string | null;

  /** The organisation that registered the case and owns it. Not exposed: an access fact. */
  @Column({ name: "owner_org", type: "text" })
  ownerOrg!: string;

  @Field(() => [Consent], { nullable: true })
  @OneToMany(() => Consent, (consent) => consent.victim)
  consents?: Consent[];

  @Field(() => [Referral], { nullable: true })
  @OneToMany(() => Referral, (referral) => referral.victim)
  referrals?: Referral[];

  @Field(() => String, { nullable: true, description: "The team that made the NRM decision." })
  @Column({ name: "nrm_decided_by", type: "text", nullable: true })
  nrmDecidedBy!: string | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      "Existing cases with the same identity document, or the same legal name, date of birth and nationality, found at registration; for government review.",
  })
  @Column({ name: "possible_duplicate_of", type: "uuid", array: true, default: () => "'{}'" })
  possibleDuplicateOf!: string[];

  /** Optimistic concurrency: an update must name the version it read. */
  // Nullable like every field some case role may not see: a refusal must stay local, not null the whole list.
  @Field(() => Int, {
    nullable: true,
    description: "Send it back with updateVictim; a stale version is refused with CONFLICT.",
  })
  @VersionColumn()
  version!: number;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the case was erased on request (requestErasure): its personal fields are null from then on; what statistics need is kept.",
  })
  @Column({ name: "erased_at", type: "timestamptz", nullable: true })
  erasedAt!: Date | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
