import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Occupied beds as a column kept with every placement, under the shelter's row lock,
 * instead of counting open stays on every read: the shelter board then costs the same
 * with 100 or 100,000 people placed. The check makes "never over capacity" a database fact.
 */
export class ShelterOccupancy1768089600000 implements MigrationInterface {
  name = "ShelterOccupancy1768089600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE shelter ADD COLUMN occupied_beds integer NOT NULL DEFAULT 0`);
    await queryRunner.query(
      `UPDATE shelter s SET occupied_beds = (SELECT count(*) FROM placement p WHERE p.shelter_id = s.id AND p.ended_at IS NULL)`,
    );
    await queryRunner.query(
      `ALTER TABLE shelter ADD CONSTRAINT shelter_occupancy_within_capacity CHECK (occupied_beds >= 0 AND occupied_beds <= capacity)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE shelter DROP CONSTRAINT shelter_occupancy_within_capacity, DROP COLUMN occupied_beds`,
    );
  }
}
