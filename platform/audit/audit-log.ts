/**
 * What each request leaves in its subgraph's audit trail, and how it gets there.
 *
 * Reads: every personal field read on a record about a person — the subgraph's policy
 * names, per type, where a record's subject (the person's id) is and which of its fields
 * are not personal (platform/policy/types.ts, `TypePolicy.subject`, `notPersonal`) —
 * is collected during the request; allowed and refused ones apart. Before the response
 * leaves, the subgraph appends them as at most two entries (ALLOWED, DENIED) in one SQL
 * statement; if that fails, the response is replaced by an error: no unaudited access.
 * Writes: every mutation appends its entry inside its own transaction
 * (`auditedTransaction`); a mutation that fails or is refused appends a DENIED or
 * FAILED entry instead. Entries name records and fields, never values.
 */
import type { Context } from "@opentelemetry/api";
import type { GraphQLError } from "graphql";
import type { DataSource, EntityManager } from "typeorm";
import type { Caller } from "../auth/claims";
import { ErrorCode } from "../errors";
import { isUuid } from "../ids";
import { auditAppendBatchSize, auditAppendDuration, secondsSince } from "../metrics";
import { countForEach, requestScope, type RequestScope } from "../request-scope";
import { currentTraceContext, inSpan } from "../tracing";
import { STORED_SUBJECT_IDS_KEY } from "./migration";

/** The part of a request context the audit writes through (not context.ts's type: that one holds a RequestAudit). */
interface AuditedRequest {
  db: DataSource;
  audit: RequestAudit;
}

export type AuditKind = "READ" | "WRITE" | "STATISTICS";
export type AuditOutcome = "ALLOWED" | "DENIED" | "FAILED";

export interface AuditEntryInput {
  actorSub: string;
  actorOrg: string;
  actorRole: string;
  kind: AuditKind;
  /** The GraphQL field that did it: a query, `_entities`, a mutation, … */
  action: string;
  /** The operation name the subgraph received (the gateway derives it from the client's). */
  operation: string;
  requestId: string;
  outcome: AuditOutcome;
  /** The people the entry is about (stored under the audit table's own names, see migration.ts). */
  subjectIds: string[];
  /** `Type.field` for reads; the input fields given for writes. */
  fields: string[];
}

/** Error codes that mean "you may not", as opposed to "that did not work". */
const REFUSALS = new Set<string>([
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
  ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE,
  ErrorCode.CONSENT_REQUIRED,
]);

interface PendingWrite {
  action: string;
  fields: string[];
  subjectIds: string[];
  /** The people a result of the mutation's return type is about (its policy's `subject`). */
  subjectIdsOf: (result: unknown) => string[];
  appended: boolean;
}

/** One request's audit: reads collected as they happen, the write under way. */
export class RequestAudit {
  private readonly reads = new Map<
    AuditOutcome,
    { actions: Set<string>; subjects: Set<string>; fields: Set<string> }
  >();
  write: PendingWrite | undefined;
  operation = "anonymous";

  constructor(
    // The hub's own jobs (retention) act as the role "system": never a caller's role, only an audit actor.
    private readonly caller: Pick<Caller, "sub" | "org"> & { role: Caller["role"] | "system" },
    private readonly requestId: string,
  ) {}

  noteRead(
    outcome: "ALLOWED" | "DENIED",
    action: string,
    subjectId: string | undefined,
    field: string | undefined,
  ): void {
    let bucket = this.reads.get(outcome);
    if (!bucket) this.reads.set(outcome, (bucket = { actions: new Set(), subjects: new Set(), fields: new Set() }));
    bucket.actions.add(action);
    if (subjectId && isUuid(subjectId)) bucket.subjects.add(subjectId);
    if (field) bucket.fields.add(field);
  }

  entry(
    kind: AuditKind,
    action: string,
    outcome: AuditOutcome,
    subjectIds: Iterable<string>,
    fields: Iterable<string>,
  ): AuditEntryInput {
    return {
      actorSub: this.caller.sub,
      actorOrg: this.caller.org,
      actorRole: this.caller.role,
      kind,
      action,
      operation: this.operation,
      requestId: this.requestId,
      outcome,
      subjectIds: [...new Set(subjectIds)].filter(isUuid).sort(),
      fields: [...new Set(fields)].sort(),
    };
  }

  /** The reads of this request as at most two entries (ALLOWED, DENIED). */
  readEntries(): AuditEntryInput[] {
    return [...this.reads.entries()].map(([outcome, bucket]) =>
      this.entry("READ", [...bucket.actions].sort().join(","), outcome, bucket.subjects, bucket.fields),
    );
  }
}

interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Appends entries to this subgraph's chain: one SQL statement, whatever their number. */
export async function appendAuditEntries(
  executor: SqlExecutor,
  entries: AuditEntryInput[],
  trace: { requests?: number; parent?: Context; links?: Context[] } = {},
): Promise<void> {
  if (entries.length === 0) return;
  const stored = entries.map(({ subjectIds, ...entry }) => ({ ...entry, [STORED_SUBJECT_IDS_KEY]: subjectIds }));
  // A span (when tracing is on) says how many requests and entries, never whose.
  await inSpan(
    "audit.append",
    { "hub.audit.requests": trace.requests ?? 1, "hub.audit.entries": entries.length },
    () => executor.query("SELECT audit_append($1::jsonb)", [JSON.stringify(stored)]),
    trace,
  );
}

/** Most requests whose read entries go into one statement (a batch of ~100-person entries stays well under a megabyte). */
const MAX_REQUESTS_PER_APPEND = 64;

/**
 * Appends the read entries of concurrent requests together (group commit). While one
 * append is under way, requests that finish meanwhile queue, and the next append takes
 * all of them in one statement; a request alone waits for nothing. Each request still
 * waits for its own entries to be committed and fails with them: no unaudited answer.
 */
export class AuditAppender {
  private readonly queue: Array<{
    entries: AuditEntryInput[];
    scope: RequestScope | undefined;
    /** Its trace context, when tracing is on: the append's span hangs under the first request's, linked to the others. */
    traced: Context | undefined;
    done: () => void;
    failed: (error: unknown) => void;
  }> = [];
  private appending = false;

  constructor(private readonly executor: SqlExecutor) {}

  /** `scope`: the request's diagnostic counters, when counted per request (request-scope.ts). */
  append(entries: AuditEntryInput[], scope: RequestScope | undefined): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return new Promise<void>((done, failed) => {
      this.queue.push({ entries, scope, traced: currentTraceContext(), done, failed });
      if (!this.appending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.appending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_REQUESTS_PER_APPEND);
        auditAppendBatchSize.observe(batch.length);
        const started = performance.now();
        try {
          // Outside any one request's scope, if there is one (per-request counters only; on Node 24
          // `exit` is a `run` even then): the totals count the statement once, and each request
          // of the batch counts the statement its entries went into.
          const appendBatch = () =>
            appendAuditEntries(
              this.executor,
              batch.flatMap((request) => request.entries),
              {
                requests: batch.length,
                parent: batch[0].traced,
                links: batch.slice(1).flatMap((request) => (request.traced ? [request.traced] : [])),
              },
            );
          await (requestScope.getStore() ? requestScope.exit(appendBatch) : appendBatch());
          auditAppendDuration.observe({ outcome: "ok" }, secondsSince(started));
          countForEach(
            "sqlStatements",
            batch.map((request) => request.scope),
          );
          for (const request of batch) request.done();
        } catch (error) {
          auditAppendDuration.observe({ outcome: "error" }, secondsSince(started));
          for (const request of batch) request.failed(error);
        }
      }
    } finally {
      this.appending = false;
    }
  }
}

/** A statistics query: one entry, naming the grouping or measures, no records. */
export function auditStatistics(context: AuditedRequest, action: string, fields: string[]): Promise<void> {
  return appendAuditEntries(context.db, [context.audit.entry("STATISTICS", action, "ALLOWED", [], fields)]);
}

/**
 * The input field names a mutation was given (never their values), less the arguments that
 * name what it changes (`keys`: `id`, its subject argument, those its rule lists) and `version`,
 * the optimistic-concurrency token a writer sends back.
 */
export function writtenFields(args: Record<string, unknown>, keys: readonly string[]): string[] {
  const fields = new Set<string>();
  const addKeys = (value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) if (inner !== undefined) fields.add(key);
    }
  };
  for (const [name, value] of Object.entries(args)) {
    if (Array.isArray(value)) value.forEach(addKeys);
    else if (value && typeof value === "object") addKeys(value);
    else if (name !== "id" && name !== "version" && !keys.includes(name)) fields.add(name);
  }
  return [...fields];
}

/**
 * The people a mutation's result names, read where its type's policy says (`subject`): one
 * record or a list of them; an id given for a record (a batch's work returns the new ids)
 * is its subject when the record is the person itself (`subject: "id"`).
 */
export function subjectIdsIn(result: unknown, subject: string | undefined): string[] {
  if (!subject) return [];
  if (Array.isArray(result)) return result.flatMap((item) => subjectIdsIn(item, subject));
  if (typeof result === "string") return subject === "id" && isUuid(result) ? [result] : [];
  if (result && typeof result === "object") {
    const value = (result as Record<string, unknown>)[subject];
    if (typeof value === "string") return [value];
  }
  return [];
}

/**
 * Runs a mutation's work in one transaction that also appends its audit entry: the
 * change and its record commit together or not at all.
 */
export function auditedTransaction<T>(
  context: AuditedRequest,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return context.db.transaction(async (manager) => {
    const result = await work(manager);
    const write = context.audit.write;
    if (write) {
      await appendAuditEntries(manager, [
        context.audit.entry(
          "WRITE",
          write.action,
          "ALLOWED",
          [...write.subjectIds, ...write.subjectIdsOf(result)],
          write.fields,
        ),
      ]);
      write.appended = true;
    }
    return result;
  });
}

/** How a failed mutation is recorded: refused (DENIED) or failed for another reason. */
export function outcomeOf(error: unknown): AuditOutcome {
  const code = (error as GraphQLError | undefined)?.extensions?.code;
  return typeof code === "string" && REFUSALS.has(code) ? "DENIED" : "FAILED";
}
