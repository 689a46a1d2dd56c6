import type { MigrationInterface, QueryRunner } from "typeorm";

/** Cases, consents and referrals, with indexes for every filter, ordering and record-rule lookup. */
export class CreateVictims1767225600000 implements MigrationInterface {
  name = "CreateVictims1767225600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE victim (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_number text NOT NULL UNIQUE,
        nationality char(2) NOT NULL,
        gender text NOT NULL,
        age_bracket text NOT NULL,
        preferred_name text,
        languages text[] NOT NULL DEFAULT '{}',
        legal_name text,
        date_of_birth date,
        identity_document_number text,
        nrm_status text NOT NULL DEFAULT 'SCREENING',
        identified_at timestamptz,
        rescue_location text,
        rescued_at timestamptz,
        medical_needs text,
        psychosocial_needs text,
        requires_medical_escort boolean NOT NULL DEFAULT false,
        testimony text,
        family_contact text,
        owner_org text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT victim_nrm_status_check CHECK (nrm_status IN ('SCREENING', 'IDENTIFIED', 'NOT_IDENTIFIED'))
      )`);
    await queryRunner.query(`CREATE INDEX victim_nationality_case_number_idx ON victim (nationality, case_number)`);
    await queryRunner.query(`CREATE INDEX victim_nrm_status_case_number_idx ON victim (nrm_status, case_number)`);
    await queryRunner.query(`CREATE INDEX victim_owner_org_case_number_idx ON victim (owner_org, case_number)`);
    await queryRunner.query(
      `CREATE INDEX victim_identity_document_idx ON victim (identity_document_number) WHERE identity_document_number IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE consent (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        victim_id uuid NOT NULL REFERENCES victim (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('CONSULAR_CONTACT', 'REPATRIATION', 'SHELTER_SHARING')),
        granted boolean NOT NULL,
        recorded_by_org text NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT consent_victim_kind_unique UNIQUE (victim_id, kind)
      )`);
    await queryRunner.query(`CREATE INDEX consent_granted_idx ON consent (kind, victim_id) WHERE granted`);

    await queryRunner.query(`
      CREATE TABLE referral (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        victim_id uuid NOT NULL REFERENCES victim (id) ON DELETE CASCADE,
        to_org text NOT NULL,
        purpose text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'DECLINED', 'REVOKED')),
        created_by_org text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX referral_victim_idx ON referral (victim_id)`);
    await queryRunner.query(
      `CREATE INDEX referral_active_to_org_idx ON referral (to_org, victim_id) WHERE status IN ('PENDING', 'ACCEPTED')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE referral`);
    await queryRunner.query(`DROP TABLE consent`);
    await queryRunner.query(`DROP TABLE victim`);
  }
}
