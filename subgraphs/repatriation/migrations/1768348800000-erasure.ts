import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Erasure (docs/data-lifecycle.md) nulls a case's escort needs and receiving organisation
 * and removes its journey legs; the personal columns' statistics target is 0, so ANALYZE
 * keeps none of their values in pg_statistic.
 */
export class RepatriationErasure1768348800000 implements MigrationInterface {
  name = "RepatriationErasure1768348800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of ["escort_needs", "receiving_organisation"])
      await queryRunner.query(`ALTER TABLE repatriation_case ALTER COLUMN ${column} SET STATISTICS 0`);
    for (const column of ["from_place", "to_place", "carrier"])
      await queryRunner.query(`ALTER TABLE journey_leg ALTER COLUMN ${column} SET STATISTICS 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ["escort_needs", "receiving_organisation"])
      await queryRunner.query(`ALTER TABLE repatriation_case ALTER COLUMN ${column} SET STATISTICS -1`);
    for (const column of ["from_place", "to_place", "carrier"])
      await queryRunner.query(`ALTER TABLE journey_leg ALTER COLUMN ${column} SET STATISTICS -1`);
  }
}
