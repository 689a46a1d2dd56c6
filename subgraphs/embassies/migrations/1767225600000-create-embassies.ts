import type { MigrationInterface, QueryRunner } from "typeorm";

export class CreateEmbassies1767225600000 implements MigrationInterface {
  name = "CreateEmbassies1767225600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE embassy (
        id text PRIMARY KEY,
        country char(2) NOT NULL UNIQUE,
        name text NOT NULL,
        city text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE nationality_verification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        victim_id uuid NOT NULL,
        country char(2) NOT NULL,
        status text NOT NULL CHECK (status IN ('REQUESTED', 'CONFIRMED', 'REJECTED')),
        requested_at timestamptz NOT NULL DEFAULT now(),
        requested_by_org text NOT NULL,
        decided_at timestamptz,
        reason text
      )`);
    await queryRunner.query(
      `CREATE INDEX nationality_verification_victim_idx ON nationality_verification (victim_id, requested_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX nationality_verification_country_status_idx ON nationality_verification (country, status)`,
    );
    await queryRunner.query(`
      CREATE TABLE travel_document (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        victim_id uuid NOT NULL,
        issuing_country char(2) NOT NULL,
        kind text NOT NULL CHECK (kind IN ('EMERGENCY_TRAVEL_CERTIFICATE', 'PASSPORT')),
        number text NOT NULL,
        issued_on date NOT NULL,
        expires_on date NOT NULL,
        status text NOT NULL DEFAULT 'VALID' CHECK (status IN ('VALID', 'REVOKED')),
        CONSTRAINT travel_document_number_unique UNIQUE (issuing_country, number),
        CHECK (expires_on > issued_on)
      )`);
    await queryRunner.query(`CREATE INDEX travel_document_victim_idx ON travel_document (victim_id, issued_on)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE travel_document`);
    await queryRunner.query(`DROP TABLE nationality_verification`);
    await queryRunner.query(`DROP TABLE embassy`);
  }
}
