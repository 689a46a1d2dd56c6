/**
 * Erasure of one person's personal data in one subgraph: the generic machinery. What a
 * subgraph erases about a person is its module's `erasure` member (subgraph-server.ts):
 * the tables it touches and the statement(s) that null or remove the personal content,
 * keeping a tombstone. This file runs it once per person (the `erasure_log` table, one
 * row per erased person, makes a second run a no-op), audits it (ids and field names,
 * never values) and then makes the erased values leave the database files:
 *
 * MVCC leaves the old row versions in the table's pages (a plain VACUUM marks them free
 * but does not zero them), its indexes and TOAST, and `pg_statistic` may hold values as
 * most-common values or histogram bounds; the WAL holds them in full-page images and the
 * inserts that wrote them. The scrub (debounced, batching the erasures of a burst) runs
 * VACUUM FULL on the touched tables (rewrites them and their indexes: only live rows
 * remain), ANALYZE and VACUUM FULL of `pg_statistic`, then `pg_switch_wal()` and CHECKPOINT,
 * so every WAL segment that held the old rows is before the redo point and removed — with
 * `wal_recycle=off` unlinked rather than renamed with its contents. Rows scrubbed are
 * marked (a retention run's owed scrub, retention_scrub_owed, deleted); a process that
 * stopped before its scrub runs it at its next start.
 * docs/data-lifecycle.md says what this guarantees and what the operator must do.
 */
import type { DataSource, EntityManager } from "typeorm";
import { appendAuditEntries, RequestAudit } from "./audit/audit-log";
import type { Caller } from "./auth/claims";
import type { Logger } from "./logger";

/** What a subgraph erases about a person (SubgraphModule.erasure). */
export interface SubgraphErasure {
  /** The tables erasure changes: the scrub rewrites these (VACUUM FULL). */
  tables: readonly string[];
  /**
   * Nulls or removes the personal content about `subjectId` in the caller's transaction,
   * keeping what statistics need; returns the field names it erased (`table.column`), for the audit.
   */
  erase(manager: EntityManager, subjectId: string): Promise<string[]>;
}

/** Who asked for an erasure: recorded in the audit entry, never used to decide what may be read. */
export interface ErasureActor {
  sub: string;
  org: string;
  /** "system": the hub's retention job (platform/retention.ts RETENTION_ACTOR), for a closed case past its period. */
  role: Caller["role"] | "system";
}

/** The person's erasure in this subgraph: done now, or done before (a repeated order). */
export type ErasureOutcome = { erased: true; fields: string[] } | { erased: false };

/**
 * Erases `subjectId` in this subgraph once, in `manager`'s transaction, with its audit entry
 * (action `eraseSubject`, the actor of the request). A person already erased here: nothing
 * happens, nothing is appended (re-delivery is a no-op).
 */
export async function eraseSubjectIn(
  manager: EntityManager,
  erasure: SubgraphErasure,
  order: { subjectId: string; actor: ErasureActor; requestId: string },
): Promise<ErasureOutcome> {
  const claimed: Array<{ subject_id: string }> = await manager.query(
    `INSERT INTO erasure_log (subject_id) VALUES ($1) ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id`,
    [order.subjectId],
  );
  if (claimed.length === 0) return { erased: false };
  const fields = await erasure.erase(manager, order.subjectId);
  const audit = new RequestAudit(order.actor, order.requestId);
  audit.operation = "erasure";
  await appendAuditEntries(manager, [audit.entry("WRITE", "eraseSubject", "ALLOWED", [order.subjectId], fields)]);
  return { erased: true, fields };
}

/** Whether this subgraph erased the person already. */
export async function isErased(db: DataSource | EntityManager, subjectId: string): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM erasure_log WHERE subject_id = $1`, [subjectId]);
  return rows.length > 0;
}

export interface ErasureScrubber {
  /** Asks for a scrub after the debounce delay (several erasures in it share one). */
  schedule(): void;
  /**
   * Scrubs now what was erased and not yet scrubbed — people in erasure_log, retention runs in
   * retention_scrub_owed (platform/retention.ts) — and resolves when done (start-up, after a retention run, tests).
   */
  scrubNow(): Promise<void>;
  stop(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * The scrub of one subgraph's database. Each step that the database user may not run (on a
 * server: VACUUM FULL of pg_statistic, pg_switch_wal and CHECKPOINT need grants, see
 * docs/data-lifecycle.md) is logged as a warning, and the rows stay unscrubbed so the next
 * scrub tries again.
 */
export function createErasureScrubber(
  db: DataSource,
  tables: readonly string[],
  log: Logger,
  delayMs: number,
): ErasureScrubber {
  for (const table of tables)
    if (!IDENTIFIER.test(table)) throw new Error(`erasure table "${table}" is not a plain name`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function scrubOnce(): Promise<void> {
    const pending: Array<{ subject_id: string }> = await db.query(
      `SELECT subject_id FROM erasure_log WHERE scrubbed_at IS NULL`,
    );
    const runs: Array<{ run_id: string }> = await db.query(`SELECT run_id FROM retention_scrub_owed`);
    if (pending.length === 0 && runs.length === 0) return;
    const started = performance.now();
    let complete = true;
    const step = async (what: string, sql: string) => {
      try {
        await db.query(sql);
      } catch (error) {
        complete = false;
        log.warn(
          { err: (error as Error).message, step: what },
          "erasure scrub: a step failed; it is tried again at the next scrub",
        );
      }
    };
    // Each its own statement: VACUUM runs outside a transaction block.
    for (const table of [...tables, "erasure_log"]) await step(`VACUUM FULL ${table}`, `VACUUM FULL ${table}`);
    await step("ANALYZE", `ANALYZE ${[...tables].join(", ")}`);
    // As a non-superuser PostgreSQL skips it with a warning, not an error: the grant is documented.
    await step("VACUUM FULL pg_statistic", `VACUUM FULL pg_catalog.pg_statistic`);
    const [{ wal_recycle: walRecycle }]: Array<{ wal_recycle: string }> = await db.query(`SHOW wal_recycle`);
    if (walRecycle !== "off")
      log.warn(
        "erasure scrub: wal_recycle is on, so removed WAL segments are reused with their old contents until overwritten",
      );
    await step("pg_switch_wal", `SELECT pg_switch_wal()`);
    await step("CHECKPOINT", `CHECKPOINT`);
    if (!complete) return;
    // Only what was read before the scrub began: what an erasure or run added since waits for the next.
    await db.query(`UPDATE erasure_log SET scrubbed_at = now() WHERE subject_id = ANY($1::uuid[])`, [
      pending.map((row) => row.subject_id),
    ]);
    await db.query(`DELETE FROM retention_scrub_owed WHERE run_id = ANY($1::uuid[])`, [runs.map((row) => row.run_id)]);
    log.info(
      { people: pending.length, retentionRuns: runs.length, ms: Math.round(performance.now() - started) },
      "erasure scrub done",
    );
  }

  function scrubNow(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await scrubOnce();
        } while (again && !stopped);
      } catch (error) {
        log.warn(
          { err: (error as Error).message },
          "erasure scrub failed; it is tried again at the next erasure or start",
        );
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    schedule() {
      // From the first erasure of a burst: later ones join it, and a steady stream still gets scrubbed.
      if (stopped || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void scrubNow();
      }, delayMs);
      timer.unref();
    },
    scrubNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
