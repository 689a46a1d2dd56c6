import type { MigrationInterface, QueryRunner } from "typeorm";

/** Who ended a stay and why; shelters opened through the API need a unique, valid id. */
export class PlacementWorkflows1767916800000 implements MigrationInterface {
  name = "PlacementWorkflows1767916800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE placement
        ADD COLUMN end_reason text CHECK (end_reason IN ('TRANSFERRED', 'REPATRIATED', 'MOVED_TO_OTHER_CARE', 'LEFT_VOLUNTARILY', 'OTHER')),
        ADD COLUMN ended_by_org text,
        ADD CONSTRAINT placement_end_recorded CHECK ((ended_at IS NULL) = (end_reason IS NULL))`);
    // History of one person's stays, newest first (transfers, discharges).
    await queryRunner.query(`CREATE INDEX placement_victim_idx ON placement (victim_id, placed_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX placement_victim_idx`);
    await queryRunner.query(
      `ALTER TABLE placement DROP CONSTRAINT placement_end_recorded, DROP COLUMN ended_by_org, DROP COLUMN end_reason`,
    );
  }
}
