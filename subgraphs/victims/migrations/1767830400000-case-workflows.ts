import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * What the case workflows need: the NRM deciding team, duplicate flags for government
 * review, the role a referral is addressed to (so a referral only opens a case to the
 * kind of partner it names), and a sequence for case numbers.
 */
export class CaseWorkflows1767830400000 implements MigrationInterface {
  name = "CaseWorkflows1767830400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE victim ADD COLUMN nrm_decided_by text`);
    await queryRunner.query(`ALTER TABLE victim ADD COLUMN possible_duplicate_of uuid[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `CREATE INDEX victim_duplicate_identity_idx ON victim (nationality, date_of_birth, lower(legal_name)) WHERE legal_name IS NOT NULL`,
    );
    await queryRunner.query(`CREATE SEQUENCE victim_case_number_seq`);
    await queryRunner.query(`SELECT setval('victim_case_number_seq', GREATEST(1, (SELECT count(*) FROM victim)))`);

    await queryRunner.query(`ALTER TABLE referral ADD COLUMN to_role text`);
    await queryRunner.query(`
      UPDATE referral SET to_role = CASE
        WHEN to_org LIKE 'shelter-%' THEN 'shelter'
        WHEN to_org = 'repatriation-agency' THEN 'repatriation'
        ELSE 'ngo' END`);
    await queryRunner.query(`ALTER TABLE referral ALTER COLUMN to_role SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE referral ADD CONSTRAINT referral_to_role_check CHECK (to_role IN ('ngo', 'shelter', 'repatriation'))`,
    );
    await queryRunner.query(`DROP INDEX referral_active_to_org_idx`);
    await queryRunner.query(
      `CREATE INDEX referral_active_to_org_idx ON referral (to_org, to_role, victim_id) WHERE status IN ('PENDING', 'ACCEPTED')`,
    );
    // One open referral per case and partner: referring twice is a no-op, not a second grant.
    await queryRunner.query(
      `CREATE UNIQUE INDEX referral_open_unique ON referral (victim_id, to_org, to_role) WHERE status IN ('PENDING', 'ACCEPTED')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX referral_open_unique`);
    await queryRunner.query(`DROP INDEX referral_active_to_org_idx`);
    await queryRunner.query(
      `CREATE INDEX referral_active_to_org_idx ON referral (to_org, victim_id) WHERE status IN ('PENDING', 'ACCEPTED')`,
    );
    await queryRunner.query(`ALTER TABLE referral DROP COLUMN to_role`);
    await queryRunner.query(`DROP SEQUENCE victim_case_number_seq`);
    await queryRunner.query(`DROP INDEX victim_duplicate_identity_idx`);
    await queryRunner.query(`ALTER TABLE victim DROP COLUMN possible_duplicate_of`);
    await queryRunner.query(`ALTER TABLE victim DROP COLUMN nrm_decided_by`);
  }
}
