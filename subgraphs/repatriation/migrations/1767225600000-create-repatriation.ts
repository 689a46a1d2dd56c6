import type { MigrationInterface, QueryRunner } from "typeorm";

export class CreateRepatriation1767225600000 implements MigrationInterface {
  name = "CreateRepatriation1767225600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE repatriation_case (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        victim_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('REQUESTED', 'DOCUMENTS_PENDING', 'READY', 'TRAVEL_BOOKED', 'DEPARTED', 'ARRIVED', 'CANCELLED')),
        destination_country char(2) NOT NULL,
        receiving_organisation text,
        escort_required boolean NOT NULL DEFAULT false,
        escort_needs text,
        case_owner_org text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1
      )`);
    // One open case per person; finished and cancelled ones stay as history.
    await queryRunner.query(
      `CREATE UNIQUE INDEX repatriation_case_one_open_per_victim ON repatriation_case (victim_id) WHERE status NOT IN ('ARRIVED', 'CANCELLED')`,
    );
    await queryRunner.query(
      `CREATE INDEX repatriation_case_victim_idx ON repatriation_case (victim_id, requested_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX repatriation_case_destination_idx ON repatriation_case (destination_country, id)`,
    );
    await queryRunner.query(`CREATE INDEX repatriation_case_owner_idx ON repatriation_case (case_owner_org, id)`);
    await queryRunner.query(`CREATE INDEX repatriation_case_status_idx ON repatriation_case (status, id)`);
    await queryRunner.query(`
      CREATE TABLE journey_leg (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES repatriation_case (id) ON DELETE CASCADE,
        sequence integer NOT NULL CHECK (sequence >= 1),
        from_place text NOT NULL,
        to_place text NOT NULL,
        carrier text,
        departs_at timestamptz,
        arrives_at timestamptz,
        CONSTRAINT journey_leg_sequence_unique UNIQUE (case_id, sequence)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE journey_leg`);
    await queryRunner.query(`DROP TABLE repatriation_case`);
  }
}
