import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Retention of closed repatriation cases (subgraphs/repatriation/retention.ts): once a case
 * ARRIVED or CANCELLED is past its period, its personal details go (journey legs, escort
 * needs and the escort flag derived from a medical need, the receiving organisation's
 * free text), so the escort flag may be empty; status, destination, dates and transitions
 * stay for the journey statistics. The case remembers when that happened. Existing cases
 * keep their details: the job decides which are due.
 */
export class RepatriationRetention1768262400000 implements MigrationInterface {
  name = "RepatriationRetention1768262400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE repatriation_case ALTER COLUMN escort_required DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE repatriation_case ADD COLUMN retention_erased_at timestamptz`);
    await queryRunner.query(
      `CREATE INDEX repatriation_case_retention_due_idx ON repatriation_case (id) WHERE status IN ('ARRIVED', 'CANCELLED') AND retention_erased_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX repatriation_case_retention_due_idx`);
    await queryRunner.query(`ALTER TABLE repatriation_case DROP COLUMN retention_erased_at`);
    // An erased flag cannot come back: "no escort recorded" is what the column meant by its default.
    await queryRunner.query(`UPDATE repatriation_case SET escort_required = false WHERE escort_required IS NULL`);
    await queryRunner.query(`ALTER TABLE repatriation_case ALTER COLUMN escort_required SET NOT NULL`);
  }
}
