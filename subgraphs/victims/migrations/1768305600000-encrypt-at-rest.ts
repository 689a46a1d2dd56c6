import type { MigrationInterface, QueryRunner } from "typeorm";
import { rewriteEncryptedRows } from "../../../platform/encryption";
import { FAMILY_CONTACT, IDENTITY_DOCUMENT_MATCH, IDENTITY_DOCUMENT_NUMBER, TESTIMONY } from "../entities/victim";

/**
 * Encryption at rest (docs/encryption.md): identity document number, testimony and family
 * contact become AES-256-GCM envelopes, and duplicate detection matches identity documents
 * by a keyed hash. Existing rows are encrypted here; the plain-text index on the number goes.
 */
export class EncryptAtRest1768305600000 implements MigrationInterface {
  name = "EncryptAtRest1768305600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE victim ADD COLUMN identity_document_hash text`);
    await queryRunner.query(`DROP INDEX victim_identity_document_idx`);
    await rewriteEncryptedRows({
      // TypeORM runs each migration in a transaction of its own: the batches share it.
      inBatch: (work) => work((sql, parameters) => queryRunner.query(sql, parameters)),
      table: "victim",
      columns: [IDENTITY_DOCUMENT_NUMBER, TESTIMONY, FAMILY_CONTACT],
      hashes: [IDENTITY_DOCUMENT_MATCH],
      stored: "plaintext",
    });
    await queryRunner.query(
      `CREATE INDEX victim_identity_document_hash_idx ON victim (identity_document_hash) WHERE identity_document_hash IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(
      `SELECT id, identity_document_number, testimony, family_contact FROM victim`,
    )) as Array<{
      id: string;
      identity_document_number: string | null;
      testimony: string | null;
      family_contact: string | null;
    }>;
    for (const row of rows)
      await queryRunner.query(
        `UPDATE victim SET identity_document_number = $2, testimony = $3, family_contact = $4 WHERE id = $1`,
        [
          row.id,
          IDENTITY_DOCUMENT_NUMBER.decryptNullable(row.identity_document_number),
          TESTIMONY.decryptNullable(row.testimony),
          FAMILY_CONTACT.decryptNullable(row.family_contact),
        ],
      );
    await queryRunner.query(`DROP INDEX victim_identity_document_hash_idx`);
    await queryRunner.query(`ALTER TABLE victim DROP COLUMN identity_document_hash`);
    await queryRunner.query(
      `CREATE INDEX victim_identity_document_idx ON victim (identity_document_number) WHERE identity_document_number IS NOT NULL`,
    );
  }
}
