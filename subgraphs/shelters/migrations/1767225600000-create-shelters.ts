import type { MigrationInterface, QueryRunner } from "typeorm";

/** Shelters and placements; the partial unique index makes "one shelter at a time" a database fact. */
export class CreateShelters1767225600000 implements MigrationInterface {
  name = "CreateShelters1767225600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE shelter (
        id text PRIMARY KEY,
        name text NOT NULL,
        region text NOT NULL,
        town text NOT NULL,
        capacity integer NOT NULL CHECK (capacity >= 0),
        services text[] NOT NULL DEFAULT '{}',
        languages text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1
      )`);
    await queryRunner.query(`CREATE INDEX shelter_region_idx ON shelter (region, id)`);
    await queryRunner.query(`
      CREATE TABLE placement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        victim_id uuid NOT NULL,
        shelter_id text NOT NULL REFERENCES shelter (id),
        placed_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        placed_by_org text NOT NULL,
        CHECK (ended_at IS NULL OR ended_at >= placed_at)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX placement_one_open_per_victim ON placement (victim_id) WHERE ended_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX placement_open_by_shelter_idx ON placement (shelter_id, placed_at) WHERE ended_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE placement`);
    await queryRunner.query(`DROP TABLE shelter`);
  }
}
