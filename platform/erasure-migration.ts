import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Every subgraph's record of the people it erased (platform/erasure.ts): one row per
 * person, so a repeated erasure order is a no-op, and when the erased values were scrubbed
 * from the database files (null until then: a start finds what is still to scrub). Ids and
 * times only. subgraphs/modules.ts adds it (and RetentionScrubOwed below) to every module's migrations.
 */
export class ErasureLog1768262400000 implements MigrationInterface {
  name = "ErasureLog1768262400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE erasure_log (
        subject_id uuid PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT now(),
        scrubbed_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE erasure_log`);
  }
}

/**
 * The retention runs whose erased values are still to be scrubbed from the files
 * (platform/erasure.ts): a run that erased something adds its row in its own transaction,
 * and a completed scrub deletes it. Those values are no person's erasure, so erasure_log
 * cannot say so; held here, a process that stops between the run's commit and its scrub
 * leaves the scrub to its next start, as an erasure does. Run ids and times only.
 */
export class RetentionScrubOwed1768435200000 implements MigrationInterface {
  name = "RetentionScrubOwed1768435200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE retention_scrub_owed (
        run_id uuid PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE retention_scrub_owed`);
  }
}
