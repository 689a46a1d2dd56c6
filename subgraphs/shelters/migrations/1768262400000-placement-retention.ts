import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Retention of ended placements (subgraphs/shelters/retention.ts): once a stay ended past
 * its period, the link to the person goes (who slept where), so a placement may name no
 * one; the shelter, the dates and the reason stay for the stay statistics. The placement
 * remembers when that happened. Open stays always name their person (a check), and
 * existing placements keep theirs: the job decides which are due.
 */
export class PlacementRetention1768262400000 implements MigrationInterface {
  name = "PlacementRetention1768262400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE placement ALTER COLUMN victim_id DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE placement ADD COLUMN retention_erased_at timestamptz`);
    await queryRunner.query(
      `ALTER TABLE placement ADD CONSTRAINT placement_open_names_person CHECK (ended_at IS NOT NULL OR victim_id IS NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX placement_retention_due_idx ON placement (ended_at) WHERE ended_at IS NOT NULL AND retention_erased_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX placement_retention_due_idx`);
    await queryRunner.query(`ALTER TABLE placement DROP CONSTRAINT placement_open_names_person`);
    // A stay whose person was erased cannot name them again: it goes.
    await queryRunner.query(`DELETE FROM placement WHERE victim_id IS NULL`);
    await queryRunner.query(`ALTER TABLE placement DROP COLUMN retention_erased_at`);
    await queryRunner.query(`ALTER TABLE placement ALTER COLUMN victim_id SET NOT NULL`);
  }
}
