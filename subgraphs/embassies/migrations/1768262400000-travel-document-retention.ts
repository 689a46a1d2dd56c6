import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Retention of expired travel documents (subgraphs/embassies/retention.ts): the number of a
 * document past its period after expiry is erased, so it may be empty (the unique
 * constraint per country treats empty numbers as distinct), and the document remembers
 * when that happened. Existing documents keep their numbers: the job decides which are due.
 */
export class TravelDocumentRetention1768262400000 implements MigrationInterface {
  name = "TravelDocumentRetention1768262400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE travel_document ALTER COLUMN number DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE travel_document ADD COLUMN retention_erased_at timestamptz`);
    await queryRunner.query(
      `CREATE INDEX travel_document_retention_due_idx ON travel_document (expires_on) WHERE retention_erased_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX travel_document_retention_due_idx`);
    await queryRunner.query(`ALTER TABLE travel_document DROP COLUMN retention_erased_at`);
    // An erased number cannot come back; a placeholder unique per document keeps the constraint.
    await queryRunner.query(`UPDATE travel_document SET number = 'erased-' || id WHERE number IS NULL`);
    await queryRunner.query(`ALTER TABLE travel_document ALTER COLUMN number SET NOT NULL`);
  }
}
