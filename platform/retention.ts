/**
 * Retention: personal data kept no longer than its purpose needs. A subgraph's module
 * declares its retention kinds (`SubgraphModule.retention`): each a name, a default period
 * in days, the personal fields it erases, a query for the records whose period is over and
 * an erase action on them. The platform runs them: on a schedule in every subgraph process
 * (`scheduleRetention`) and once from `npm run retention` (scripts/retention.ts), which can
 * also only list what would go (a dry run).
 *
 * One run at a time per database, even with replicas: a run is one transaction that first
 * takes a PostgreSQL advisory lock (transaction-scoped, so a crashed run never leaves it
 * held); a run that does not get it does nothing and says so. The erasure and its audit
 * entry (ids and field names, never values, under a system actor) commit together.
 * Reports, logs and metrics carry ids, dates and counts only, never a person's data.
 */
import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { appendAuditEntries, type AuditEntryInput } from "./audit/audit-log";
import type { RetentionSettings } from "./config";
import type { Logger } from "./logger";
import { assertRetentionKindLabel } from "./metric-labels";
import { retentionErased, retentionRuns } from "./metrics";

/** One record whose retention period is over. */
export interface DueRecord {
  /** The record's own id. */
  id: string;
  /**
   * The person it is about: the audit entry's subject, and what a whole-person erasure
   * is handed (the repatriation kind's "closed case" fact).
   */
  subjectId: string;
  /** The event the period counts from (a decision, an expiry, an arrival, the end of a stay), ISO 8601. */
  since: string;
  /** The case number, where this subgraph holds it (an id partners quote, not personal data). */
  caseNumber?: string;
}

export interface RetentionKind {
  /**
   * snake_case; the setting is HUB_RETENTION_<NAME>_DAYS (config.ts) and the name is the
   * metric label and the audit action (`retention:<name>`), so it is a fixed word.
   */
  name: string;
  /** What is erased and when, for people (the dry run, the docs). */
  description: string;
  /** Days after its event a record is kept, unless the setting says otherwise. */
  defaultDays: number;
  /** The personal fields the erase action clears or removes (`Type.field`): the audit entry's fields. */
  erases: readonly string[];
  /** The records not yet erased whose event is before `cutoff`, oldest first. */
  due(manager: EntityManager, cutoff: Date): Promise<DueRecord[]>;
  /** Erases the personal fields of these records (ids from `due`, in the same transaction). */
  erase(manager: EntityManager, ids: readonly string[]): Promise<void>;
}

/** What a module declares. */
export interface RetentionDeclaration {
  kinds: readonly RetentionKind[];
}

export interface KindReport {
  kind: string;
  description: string;
  /** The period applied; null when the kind is off (nothing erased). */
  days: number | null;
  /** Records whose event is before this are due (null when off). */
  cutoff: string | null;
  /** What is due (dry run) or was erased. */
  records: DueRecord[];
  /** How many were erased by this run (0 in a dry run). */
  erased: number;
}

export interface RetentionReport {
  subgraph: string;
  dryRun: boolean;
  /** True when another run held this database's retention lock: this one did nothing. */
  skipped: boolean;
  kinds: KindReport[];
}

/**
 * The advisory lock key of retention runs (any bigint; distinct from the migrations'
 * key in database.ts). Transaction-scoped: released at commit or rollback, and by a
 * connection that dies.
 */
export const RETENTION_LOCK_KEY = "7406115021430310419";

/** Who erases, in the audit trail: no person, the hub's own job. */
export const RETENTION_ACTOR = { sub: "retention-job", org: "survivor-hub", role: "system" } as const;

const DAY_MS = 86_400_000;

/** Checks a module's declaration once, before anything runs: names are labels and settings. */
export function checkRetentionKinds(kinds: readonly RetentionKind[]): void {
  const seen = new Set<string>();
  for (const kind of kinds) {
    assertRetentionKindLabel(kind.name);
    if (seen.has(kind.name)) throw new Error(`retention kind "${kind.name}" is declared twice`);
    seen.add(kind.name);
    if (!Number.isInteger(kind.defaultDays) || kind.defaultDays < 1)
      throw new Error(`retention kind "${kind.name}" needs a default of at least one day`);
    if (kind.erases.length === 0) throw new Error(`retention kind "${kind.name}" must name the fields it erases`);
  }
}

/**
 * One run over one subgraph's database: every kind's due records listed and, unless
 * `dryRun`, erased and audited — all in one transaction under the retention lock.
 */
export async function runRetention(
  db: DataSource,
  kinds: readonly RetentionKind[],
  options: {
    subgraph: string;
    settings: Pick<RetentionSettings, "periods">;
    dryRun: boolean;
    log: Logger;
    now?: Date;
  },
): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const report: RetentionReport = { subgraph: options.subgraph, dryRun: options.dryRun, skipped: false, kinds: [] };
  try {
    await db.transaction(async (manager) => {
      const [{ locked }] = await manager.query<Array<{ locked: boolean }>>(
        "SELECT pg_try_advisory_xact_lock($1::bigint) AS locked",
        [RETENTION_LOCK_KEY],
      );
      if (!locked) {
        report.skipped = true;
        return;
      }
      const requestId = randomUUID();
      const entries: AuditEntryInput[] = [];
      for (const kind of kinds) {
        const days = options.settings.periods.has(kind.name)
          ? (options.settings.periods.get(kind.name) ?? null)
          : kind.defaultDays;
        if (days === null) {
          report.kinds.push({
            kind: kind.name,
            description: kind.description,
            days,
            cutoff: null,
            records: [],
            erased: 0,
          });
          continue;
        }
        const cutoff = new Date(now.getTime() - days * DAY_MS);
        const records = await kind.due(manager, cutoff);
        let erased = 0;
        if (!options.dryRun && records.length > 0) {
          await kind.erase(
            manager,
            records.map((record) => record.id),
          );
          erased = records.length;
          entries.push({
            actorSub: RETENTION_ACTOR.sub,
            actorOrg: RETENTION_ACTOR.org,
            actorRole: RETENTION_ACTOR.role,
            kind: "WRITE",
            action: `retention:${kind.name}`,
            operation: "retention",
            requestId,
            outcome: "ALLOWED",
            subjectIds: [...new Set(records.map((record) => record.subjectId))].sort(),
            fields: [...kind.erases].sort(),
          });
        }
        report.kinds.push({
          kind: kind.name,
          description: kind.description,
          days,
          cutoff: cutoff.toISOString(),
          records,
          erased,
        });
      }
      // In the erasure's transaction: erased and audited together, or neither.
      await appendAuditEntries(manager, entries);
    });
  } catch (error) {
    retentionRuns.inc({ outcome: "failed" });
    // The message only: a driver's detail could quote a value.
    options.log.error({ err: (error as Error).message, dryRun: options.dryRun }, "retention run failed");
    throw error;
  }
  retentionRuns.inc({ outcome: report.skipped ? "skipped" : options.dryRun ? "dry_run" : "done" });
  if (!options.dryRun) for (const kind of report.kinds) retentionErased.inc({ kind: kind.kind }, kind.erased);
  // Counts only: never an id of a person in a log line.
  options.log.info(
    {
      dryRun: options.dryRun,
      skipped: report.skipped,
      due: Object.fromEntries(
        report.kinds.map((kind) => [kind.kind, kind.days === null ? "off" : kind.records.length]),
      ),
      erased: Object.fromEntries(report.kinds.map((kind) => [kind.kind, kind.erased])),
    },
    report.skipped ? "retention run skipped: another run holds this database's retention lock" : "retention run",
  );
  return report;
}

export interface RetentionSchedule {
  /** Waits for a run under way, and schedules no other. */
  stop(): Promise<void>;
}

/** A wait of `intervalMs` give or take 10%: replicas started together drift apart. */
function jittered(intervalMs: number): number {
  return Math.round(intervalMs * (0.9 + Math.random() * 0.2));
}

/**
 * Runs `run` every `intervalMinutes` (jittered), the first time after a random part of the
 * interval (at most five minutes): not during start-up, and not at the same moment in
 * every replica. A failed run is logged by runRetention and tried again next time.
 */
export function scheduleRetention(intervalMinutes: number, run: () => Promise<unknown>): RetentionSchedule {
  const intervalMs = intervalMinutes * 60_000;
  let stopped = false;
  let running: Promise<unknown> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const next = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run()
        .catch(() => undefined)
        .finally(() => {
          running = undefined;
          next(jittered(intervalMs));
        });
    }, delayMs);
    // The schedule never keeps a process alive on its own.
    timer.unref();
  };
  next(Math.round(Math.random() * Math.min(intervalMs, 5 * 60_000)));
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
