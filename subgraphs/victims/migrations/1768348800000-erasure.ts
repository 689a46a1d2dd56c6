import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Erasure on request (docs/data-lifecycle.md): a case keeps a tombstone with `erased_at`;
 * a referral's purpose can be erased; government's legal holds block erasure while they
 * stand; the erasure request is the outbox its worker delivers to every other subgraph
 * from (`erasure_delivery`, one row per subgraph, until it confirms). No existing row
 * changes. The statistics target of the personal columns is 0: ANALYZE then keeps none of
 * their values (most-common values, histogram bounds) in pg_statistic, where an erasure
 * could not reach them without a superuser.
 */
export class Erasure1768348800000 implements MigrationInterface {
  name = "Erasure1768348800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE victim ADD COLUMN erased_at timestamptz`);
    await queryRunner.query(`ALTER TABLE referral ALTER COLUMN purpose DROP NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE legal_hold (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        victim_id uuid NOT NULL REFERENCES victim (id) ON DELETE CASCADE,
        reason text NOT NULL,
        placed_by_org text NOT NULL,
        placed_by_sub text NOT NULL,
        placed_at timestamptz NOT NULL DEFAULT now(),
        lifted_at timestamptz,
        lifted_by_org text,
        lifted_by_sub text,
        lift_reason text,
        CHECK ((lifted_at IS NULL) = (lifted_by_org IS NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX legal_hold_one_standing ON legal_hold (victim_id) WHERE lifted_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE erasure_request (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        victim_id uuid NOT NULL UNIQUE REFERENCES victim (id) ON DELETE CASCADE,
        reason text NOT NULL,
        requested_by_sub text NOT NULL,
        requested_by_org text NOT NULL,
        requested_by_role text NOT NULL,
        request_id text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE erasure_delivery (
        erasure_id uuid NOT NULL REFERENCES erasure_request (id) ON DELETE CASCADE,
        subgraph text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        last_failure text,
        PRIMARY KEY (erasure_id, subgraph)
      )`);
    await queryRunner.query(
      `CREATE INDEX erasure_delivery_due ON erasure_delivery (next_attempt_at) WHERE confirmed_at IS NULL`,
    );
    for (const column of [
      "preferred_name",
      "languages",
      "legal_name",
      "date_of_birth",
      "identity_document_number",
      "rescue_location",
      "medical_needs",
      "psychosocial_needs",
      "testimony",
      "family_contact",
    ])
      await queryRunner.query(`ALTER TABLE victim ALTER COLUMN ${column} SET STATISTICS 0`);
    await queryRunner.query(`ALTER TABLE referral ALTER COLUMN purpose SET STATISTICS 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE erasure_delivery`);
    await queryRunner.query(`DROP TABLE erasure_request`);
    await queryRunner.query(`DROP TABLE legal_hold`);
    await queryRunner.query(`ALTER TABLE victim DROP COLUMN erased_at`);
  }
}
