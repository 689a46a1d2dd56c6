import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The journey's history (append-only: the application never updates or deletes it),
 * how each leg is travelled, and the receiving organisation's id so it can confirm
 * arrival and see the case.
 */
export class RepatriationWorkflows1767916800000 implements MigrationInterface {
  name = "RepatriationWorkflows1767916800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE repatriation_case ADD COLUMN receiving_org_id text`);
    await queryRunner.query(
      `CREATE INDEX repatriation_case_receiving_org_idx ON repatriation_case (receiving_org_id, id) WHERE receiving_org_id IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE journey_leg ADD COLUMN mode text NOT NULL DEFAULT 'FLIGHT' CHECK (mode IN ('FLIGHT', 'BUS', 'CAR', 'TRAIN', 'BOAT'))`,
    );
    await queryRunner.query(`ALTER TABLE journey_leg ALTER COLUMN mode DROP DEFAULT`);
    await queryRunner.query(`
      CREATE TABLE repatriation_transition (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES repatriation_case (id) ON DELETE CASCADE,
        from_status text,
        to_status text NOT NULL,
        by_org text NOT NULL,
        by_role text NOT NULL,
        by_sub text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX repatriation_transition_case_idx ON repatriation_transition (case_id, at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE repatriation_transition`);
    await queryRunner.query(`ALTER TABLE journey_leg DROP COLUMN mode`);
    await queryRunner.query(`DROP INDEX repatriation_case_receiving_org_idx`);
    await queryRunner.query(`ALTER TABLE repatriation_case DROP COLUMN receiving_org_id`);
  }
}
