import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Who decided a verification and who issued or revoked a document (accountability),
 * and at most one open verification request per person and country.
 */
export class ConsularWorkflows1767916800000 implements MigrationInterface {
  name = "ConsularWorkflows1767916800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE nationality_verification ADD COLUMN decided_by_org text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX nationality_verification_one_open ON nationality_verification (victim_id, country) WHERE status = 'REQUESTED'`,
    );
    await queryRunner.query(`
      ALTER TABLE travel_document
        ADD COLUMN issued_by_org text,
        ADD COLUMN revoked_at timestamptz,
        ADD COLUMN revoked_by_org text,
        ADD CONSTRAINT travel_document_revocation_recorded CHECK ((status = 'REVOKED') = (revoked_at IS NOT NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE travel_document DROP CONSTRAINT travel_document_revocation_recorded, DROP COLUMN revoked_by_org, DROP COLUMN revoked_at, DROP COLUMN issued_by_org`,
    );
    await queryRunner.query(`DROP INDEX nationality_verification_one_open`);
    await queryRunner.query(`ALTER TABLE nationality_verification DROP COLUMN decided_by_org`);
  }
}
