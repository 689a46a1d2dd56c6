import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Erasure (docs/data-lifecycle.md) nulls a travel document's number, so the column takes
 * NULL (the uniqueness per country holds for every number still there). The personal
 * columns' statistics target is 0: ANALYZE keeps none of their values in pg_statistic.
 */
export class EmbassiesErasure1768348800000 implements MigrationInterface {
  name = "EmbassiesErasure1768348800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE travel_document ALTER COLUMN number DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE travel_document ALTER COLUMN number SET STATISTICS 0`);
    await queryRunner.query(`ALTER TABLE nationality_verification ALTER COLUMN reason SET STATISTICS 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE travel_document ALTER COLUMN number SET NOT NULL`);
  }
}
