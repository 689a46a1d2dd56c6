import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { encryptedColumn, matchingColumn } from "../../../platform/encryption";
import { TravelDocumentKind, TravelDocumentStatus } from "./enums";

/** The document number, encrypted at rest (docs/encryption.md); raw SQL goes through this too. */
export const TRAVEL_DOCUMENT_NUMBER = encryptedColumn("travel_document", "number");
/** Unique per issuing country by this keyed hash (index travel_document_number_hash_unique). */
export const TRAVEL_DOCUMENT_NUMBER_MATCH = matchingColumn("travel_document", "number_hash", TRAVEL_DOCUMENT_NUMBER);

@ObjectType({ description: "A travel document an embassy issued to a confirmed national." })
@Entity({ name: "travel_document" })
export class TravelDocument {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "victim_id", type: "uuid" })
  victimId!: string;

  @Field({ description: "Country whose embassy issued it." })
  @Column({ name: "issuing_country", type: "char", length: 2 })
  issuingCountry!: string;

  @Field(() => TravelDocumentKind)
  @Column({ type: "text" })
  kind!: TravelDocumentKind;

  @Field(() => String, { nullable: true, description: "The document number: a key to the person's identity." })
  // Null once an expired document's retention period is over (retention.ts) or its holder is erased (erasure.ts).
  @Column({ type: "text", nullable: true, transformer: TRAVEL_DOCUMENT_NUMBER.transformer })
  number!: string | null;

  /** TRAVEL_DOCUMENT_NUMBER_MATCH of the number: set with it, removed with it, never exposed. */
  @Column({ name: "number_hash", type: "text", nullable: true })
  numberHash!: string | null;

  @Field({ description: "YYYY-MM-DD" })
  @Column({ name: "issued_on", type: "date" })
  issuedOn!: string;

  @Field({ description: "YYYY-MM-DD" })
  @Column({ name: "expires_on", type: "date" })
  expiresOn!: string;

  @Field(() => TravelDocumentStatus)
  @Column({ type: "text" })
  status!: TravelDocumentStatus;

  @Column({ name: "issued_by_org", type: "text", nullable: true })
  issuedByOrg!: string | null;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "revoked_by_org", type: "text", nullable: true })
  revokedByOrg!: string | null;

  /** When the retention job erased its number (retention.ts); not in the schema. */
  @Column({ name: "retention_erased_at", type: "timestamptz", nullable: true })
  retentionErasedAt!: Date | null;
}
