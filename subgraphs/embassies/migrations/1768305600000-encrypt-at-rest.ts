import type { MigrationInterface, QueryRunner } from "typeorm";
import { rewriteEncryptedRows } from "../../../platform/encryption";
import { TRAVEL_DOCUMENT_NUMBER, TRAVEL_DOCUMENT_NUMBER_MATCH } from "../entities/travel-document";

/**
 * Encryption at rest (docs/encryption.md): travel document numbers become AES-256-GCM
 * envelopes; uniqueness per issuing country moves from the plain number to its keyed hash.
 * Existing rows are encrypted here. Numbers of one country that differ only in case or
 * surrounding spaces now count as the same: such a pair makes this migration fail on the
 * new unique index, naming it, and must be resolved by hand first.
 */
export class EncryptAtRest1768305600000 implements MigrationInterface {
  name = "EncryptAtRest1768305600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE travel_document ADD COLUMN number_hash text`);
    await queryRunner.query(`ALTER TABLE travel_document DROP CONSTRAINT travel_document_number_unique`);
    await rewriteEncryptedRows({
      inBatch: (work) => work((sql, parameters) => queryRunner.query(sql, parameters)),
      table: "travel_document",
      columns: [TRAVEL_DOCUMENT_NUMBER],
      hashes: [TRAVEL_DOCUMENT_NUMBER_MATCH],
      stored: "plaintext",
    });
    // Nullable like the number: retention and erasure remove both (a keyed hash still names the document).
    await queryRunner.query(
      `CREATE UNIQUE INDEX travel_document_number_hash_unique ON travel_document (issuing_country, number_hash)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(`SELECT id, number FROM travel_document`)) as Array<{
      id: string;
      number: string;
    }>;
    for (const row of rows)
      await queryRunner.query(`UPDATE travel_document SET number = $2 WHERE id = $1`, [
        row.id,
        TRAVEL_DOCUMENT_NUMBER.decrypt(row.number),
      ]);
    await queryRunner.query(`DROP INDEX travel_document_number_hash_unique`);
    await queryRunner.query(`ALTER TABLE travel_document DROP COLUMN number_hash`);
    await queryRunner.query(
      `ALTER TABLE travel_document ADD CONSTRAINT travel_document_number_unique UNIQUE (issuing_country, number)`,
    );
  }
}
