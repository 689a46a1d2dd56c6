import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Every subgraph's record of the people it erased (platform/erasure.ts): one row per
 * person, so a repeated erasure order is a no-op, and when the erased values were scrubbed
 * from the database files (null until then: a start finds what is still to scrub). Ids and
 * times only. subgraphs/modules.ts adds it to every module's migrations.
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
