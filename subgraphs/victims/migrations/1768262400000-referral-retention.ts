import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Retention of closed referrals (subgraphs/victims/retention.ts): the purpose of a DECLINED
 * or REVOKED referral is erased once its period is over, so it may be empty, and the
 * referral remembers when that happened (the job's "not yet erased"). Existing referrals
 * keep their purpose: the job, not this migration, decides which are due.
 */
export class ReferralRetention1768262400000 implements MigrationInterface {
  name = "ReferralRetention1768262400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE referral ALTER COLUMN purpose DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE referral ADD COLUMN retention_erased_at timestamptz`);
    // What the job's due query reads: closed, not yet erased, by decision date.
    await queryRunner.query(
      `CREATE INDEX referral_retention_due_idx ON referral (decided_at) WHERE status IN ('DECLINED', 'REVOKED') AND retention_erased_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX referral_retention_due_idx`);
    await queryRunner.query(`ALTER TABLE referral DROP COLUMN retention_erased_at`);
    // An erased purpose cannot come back; the column keeps its rule for the others.
    await queryRunner.query(`UPDATE referral SET purpose = '' WHERE purpose IS NULL`);
    await queryRunner.query(`ALTER TABLE referral ALTER COLUMN purpose SET NOT NULL`);
  }
}
