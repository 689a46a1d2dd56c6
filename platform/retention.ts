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
 *
 * A government legal hold blocks retention as it blocks erasure on request: before a kind
 * erases, the run asks `holds` which of its due people are under one and leaves them out
 * (they stay due, and go once the hold is lifted). Holds are the victims subgraph's: every
 * other subgraph learns them by an order to it (contracts/legal-holds.ts). It fails closed:
 * when the holds cannot be learned, the kind erases nothing this run, and says so in the
 * report, its log line and `hub_retention_blocked_total`; the next run tries again. A kind
 * with a `handOver` (the closed repatriation case, handed to the victims subgraph for a
 * whole-person erasure) erases only what the hand-over took, in the same way.
 */
import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { appendAuditEntries, type AuditEntryInput } from "./audit/audit-log";
import type { RetentionSettings } from "./config";
import type { ServiceRoute } from "./internal-api";
import type { Logger } from "./logger";
import { assertRetentionKindLabel } from "./metric-labels";
import { retentionBlocked, retentionErased, retentionRuns } from "./metrics";

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

/**
 * Sends an order (a route asked on the sender's own authority) to a peer subgraph and
 * returns its answer; throws when it cannot be delivered or answered. In a subgraph process
 * and `npm run retention` it is `order()` with the subgraph's credential and signer.
 */
export type OrderSender = <Request, Response>(
  route: ServiceRoute<Request, Response>,
  request: Request,
  peer: string,
) => Promise<Response>;

/**
 * Which of `subjectIds` are under a legal hold. Throws when that cannot be learned: the kind
 * then erases nothing (fail closed). `orders` is undefined when the run has no way to reach
 * a peer; a check that needs one throws then.
 */
export type HoldCheck = (
  manager: EntityManager,
  subjectIds: readonly string[],
  orders: OrderSender | undefined,
) => Promise<ReadonlySet<string>>;

/** What a kind's hand-over is told of the run. */
export interface HandOverContext {
  kind: string;
  days: number;
  cutoff: Date;
  orders: OrderSender | undefined;
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
  /**
   * Hands the due people (none under hold) to the authority that must act on them too, before
   * anything is erased here, and returns the subject ids it took: only their records are
   * erased (the others stay due, so nothing is lost when the authority is down). Throws when
   * it cannot be delivered: the kind erases nothing this run. Never called in a dry run.
   */
  handOver?(records: readonly DueRecord[], context: HandOverContext): Promise<ReadonlySet<string>>;
}

/** What a module declares. */
export interface RetentionDeclaration {
  kinds: readonly RetentionKind[];
  /** Where this subgraph learns legal holds (its own table in victims, an order to victims elsewhere). */
  holds: HoldCheck;
}

/** Why a kind erased nothing this run although records were due. */
export type RetentionBlock = "holds_unavailable" | "hand_over_unavailable";

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
  /** How many due records were left out because their person is under a legal hold (or the hand-over held them back). */
  held: number;
  /** Set when the kind erased nothing because a fact could not be learned (fail closed); null otherwise. */
  blocked: RetentionBlock | null;
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

export const DAY_MS = 86_400_000;

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
    /** The subgraph's legal-hold check (RetentionDeclaration.holds). */
    holds: HoldCheck;
    /** How this run reaches its peers (the hold check and hand-overs); none: what needs one is blocked. */
    orders?: OrderSender;
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
            held: 0,
            blocked: null,
          });
          continue;
        }
        const cutoff = new Date(now.getTime() - days * DAY_MS);
        const allDue = await kind.due(manager, cutoff);
        const { records, held, blocked } = await clearedForErasure(kind, allDue, {
          manager,
          cutoff,
          days,
          dryRun: options.dryRun,
          holds: options.holds,
          orders: options.orders,
          log: options.log,
        });
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
          held,
          blocked,
        });
      }
      // In the erasure's transaction: erased and audited together, or neither; and the scrub
      // of the files it owes is recorded with them, so a stop before that scrub does not forget it.
      await appendAuditEntries(manager, entries);
      if (entries.length > 0) await manager.query(`INSERT INTO retention_scrub_owed (run_id) VALUES ($1)`, [requestId]);
    });
  } catch (error) {
    retentionRuns.inc({ outcome: "failed" });
    // The message only: a driver's detail could quote a value.
    options.log.error({ err: (error as Error).message, dryRun: options.dryRun }, "retention run failed");
    throw error;
  }
  retentionRuns.inc({ outcome: report.skipped ? "skipped" : options.dryRun ? "dry_run" : "done" });
  if (!options.dryRun) for (const kind of report.kinds) retentionErased.inc({ kind: kind.kind }, kind.erased);
  for (const kind of report.kinds) if (kind.blocked) retentionBlocked.inc({ kind: kind.kind, reason: kind.blocked });
  // Counts only: never an id of a person in a log line.
  options.log.info(
    {
      dryRun: options.dryRun,
      skipped: report.skipped,
      due: Object.fromEntries(
        report.kinds.map((kind) => [kind.kind, kind.days === null ? "off" : kind.records.length]),
      ),
      erased: Object.fromEntries(report.kinds.map((kind) => [kind.kind, kind.erased])),
      held: Object.fromEntries(report.kinds.map((kind) => [kind.kind, kind.held])),
      blocked: Object.fromEntries(report.kinds.filter((kind) => kind.blocked).map((kind) => [kind.kind, kind.blocked])),
    },
    report.skipped ? "retention run skipped: another run holds this database's retention lock" : "retention run",
  );
  return report;
}

/**
 * The due records a kind may erase now: none of a person under a legal hold, and, for a kind
 * with a hand-over, only those it took. When the holds or the hand-over cannot be learned,
 * none at all (fail closed), logged by kind with counts only.
 */
async function clearedForErasure(
  kind: RetentionKind,
  due: DueRecord[],
  run: {
    manager: EntityManager;
    cutoff: Date;
    days: number;
    dryRun: boolean;
    holds: HoldCheck;
    orders: OrderSender | undefined;
    log: Logger;
  },
): Promise<{ records: DueRecord[]; held: number; blocked: RetentionBlock | null }> {
  if (due.length === 0) return { records: [], held: 0, blocked: null };
  let heldSubjects: ReadonlySet<string>;
  try {
    heldSubjects = await run.holds(run.manager, [...new Set(due.map((record) => record.subjectId))], run.orders);
  } catch (error) {
    run.log.warn(
      { kind: kind.name, due: due.length, err: (error as Error).message },
      "retention: the legal holds could not be learned; this kind erases nothing this run",
    );
    return { records: [], held: 0, blocked: "holds_unavailable" };
  }
  let records = due.filter((record) => !heldSubjects.has(record.subjectId));
  if (kind.handOver && !run.dryRun && records.length > 0) {
    let taken: ReadonlySet<string>;
    try {
      taken = await kind.handOver(records, { kind: kind.name, days: run.days, cutoff: run.cutoff, orders: run.orders });
    } catch (error) {
      run.log.warn(
        { kind: kind.name, due: records.length, err: (error as Error).message },
        "retention: the hand-over was not taken; this kind erases nothing this run",
      );
      return { records: [], held: due.length - records.length, blocked: "hand_over_unavailable" };
    }
    records = records.filter((record) => taken.has(record.subjectId));
  }
  return { records, held: due.length - records.length, blocked: null };
}

/**
 * Which records are past their kind's period, counted as a run counts it (the configured days,
 * else the kind's default), for reads. A legal hold keeps a record past its period from the
 * run, and only government and the case owner may know of a hold; to every other caller such
 * a record must read as the run would have left it, or the one number, or journey, still shown
 * among the erased says "held". The resolvers of the fields a kind erases ask this.
 */
export interface RetentionWindow {
  /** Whether a record of `kind` whose period counts from `since` is past it at `now`; false while the kind is off. */
  pastPeriod(kind: string, since: Date, now?: Date): boolean;
}

export function retentionWindow(
  kinds: readonly RetentionKind[],
  settings: Pick<RetentionSettings, "periods">,
): RetentionWindow {
  const days = new Map(
    kinds.map((kind) => [
      kind.name,
      settings.periods.has(kind.name) ? (settings.periods.get(kind.name) ?? null) : kind.defaultDays,
    ]),
  );
  return {
    pastPeriod(kind, since, now = new Date()) {
      if (!days.has(kind)) throw new Error(`no retention kind "${kind}" in this subgraph`);
      const period = days.get(kind);
      return period !== null && period !== undefined && since.getTime() < now.getTime() - period * DAY_MS;
    },
  };
}

/** Whether a run erased anything (then its values are scrubbed from the files: erasure.ts). */
export function retentionErasedAny(report: RetentionReport): boolean {
  return report.kinds.some((kind) => kind.erased > 0);
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
