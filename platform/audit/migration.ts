import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The audit trail of one subgraph, in its own database (every subgraph runs this same
 * migration): an append-only, hash-chained table.
 *
 * - `audit_entry` refuses UPDATE, DELETE and TRUNCATE by trigger, whoever asks.
 * - Each entry's `hash` is SHA-256 over its content and the previous entry's hash,
 *   computed by `audit_entry_digest` — the same function the chain check uses.
 * - `audit_append(entries jsonb)` appends a batch in ONE statement from the caller's
 *   side: it locks the chain head row (so concurrent appends queue and the chain never
 *   forks), reads the latest hash after the lock is granted, chains the batch, inserts
 *   it and moves the head. Inside a write's transaction it commits or rolls back with it.
 */
/**
 * The key under which `audit_append` reads an entry's subject ids (the people it is about),
 * kept as first stored, like the `victim_ids` column: stored names, not TypeScript's.
 */
export const STORED_SUBJECT_IDS_KEY = "victimIds";

export class AuditTrail1768003200000 implements MigrationInterface {
  name = "AuditTrail1768003200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_entry (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_sub text NOT NULL,
        actor_org text NOT NULL,
        actor_role text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('READ', 'WRITE', 'STATISTICS')),
        action text NOT NULL,
        operation text NOT NULL,
        request_id text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('ALLOWED', 'DENIED', 'FAILED')),
        victim_ids uuid[] NOT NULL,
        fields text[] NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX audit_entry_victims_idx ON audit_entry USING gin (victim_ids)`);
    await queryRunner.query(`CREATE INDEX audit_entry_at_idx ON audit_entry (at DESC, seq DESC)`);
    await queryRunner.query(`CREATE INDEX audit_entry_actor_org_idx ON audit_entry (actor_org, at DESC)`);
    await queryRunner.query(
      `CREATE TABLE audit_chain_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)`,
    );
    await queryRunner.query(`INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))`);

    await queryRunner.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_chain_head_kept BEFORE DELETE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    );

    // The canonical content of an entry: a JSON array in a fixed order, times in UTC with microseconds.
    await queryRunner.query(`
      CREATE FUNCTION audit_entry_digest(prev_hash text, seq bigint, at timestamptz, actor_sub text, actor_org text, actor_role text,
                                         kind text, action text, operation text, request_id text, outcome text, victim_ids uuid[], fields text[])
      RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(json_build_array(
          prev_hash, seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_sub, actor_org, actor_role,
          kind, action, operation, request_id, outcome, victim_ids, fields)::text, 'UTF8')), 'hex')
      $$`);

    await queryRunner.query(`
      CREATE FUNCTION audit_append(entries jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        entry jsonb;
        entry_at timestamptz := clock_timestamp();
        entry_hash text;
        entry_victims uuid[];
        entry_fields text[];
      BEGIN
        SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;
        FOR entry IN SELECT value FROM jsonb_array_elements(entries) LOOP
          head_seq := head_seq + 1;
          entry_victims := ARRAY(SELECT jsonb_array_elements_text(entry->'victimIds'))::uuid[];
          entry_fields := ARRAY(SELECT jsonb_array_elements_text(entry->'fields'));
          entry_hash := audit_entry_digest(head_hash, head_seq, entry_at, entry->>'actorSub', entry->>'actorOrg', entry->>'actorRole',
                                           entry->>'kind', entry->>'action', entry->>'operation', entry->>'requestId', entry->>'outcome',
                                           entry_victims, entry_fields);
          INSERT INTO audit_entry (seq, at, actor_sub, actor_org, actor_role, kind, action, operation, request_id, outcome, victim_ids, fields, prev_hash, hash)
          VALUES (head_seq, entry_at, entry->>'actorSub', entry->>'actorOrg', entry->>'actorRole', entry->>'kind', entry->>'action',
                  entry->>'operation', entry->>'requestId', entry->>'outcome', entry_victims, entry_fields, head_hash, entry_hash);
          head_hash := entry_hash;
        END LOOP;
        UPDATE audit_chain_head SET seq = head_seq, hash = head_hash WHERE id = 1;
        RETURN head_seq;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION audit_append(jsonb)`);
    await queryRunner.query(
      `DROP FUNCTION audit_entry_digest(text, bigint, timestamptz, text, text, text, text, text, text, text, text, uuid[], text[])`,
    );
    await queryRunner.query(`DROP TABLE audit_chain_head`);
    // The append-only trigger refuses row deletes, not DROP: removing the trail is a schema change, done by its owner.
    await queryRunner.query(`DROP TABLE audit_entry`);
    await queryRunner.query(`DROP FUNCTION audit_refuse_change()`);
  }
}
