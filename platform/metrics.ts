/**
 * Prometheus metrics of a hub process (prom-client): the one registry, every metric the
 * hub defines, the bounds on their label values, the Apollo plugin that counts requests,
 * and the `/metrics` route with its own bearer token (docs/operations.md).
 *
 * No label carries a personal value, an id, a token, a variable or free text. Every label
 * takes its value from a fixed set (outcomes, error codes, roles, refusal kinds), from the
 * hub's own configuration (subgraph names), or — operation names, which clients choose —
 * through `OperationLabels`: a strict pattern, a length and digit cap, and a cap on
 * distinct values, the rest "other". Counters over time still tell who is active, so
 * `/metrics` is for the hub's operators only: never open to a partner's token.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { Express, RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { ROLES } from "./auth/claims";
import { ConfigError, type Environment } from "./config";
import { ErrorCode } from "./errors";
import type { Logger } from "./logger";
import { OperationLabels } from "./metric-labels";

/** The process's registry: only what is defined here (prom-client's global one is left alone). */
export const metricsRegistry = new Registry();

/** Seconds; from a cached answer (~1 ms) to the subgraph timeout's order. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** SQL statements: most take well under a millisecond on PGlite. */
const QUERY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

const registers = [metricsRegistry];

export const graphqlRequests = new Counter({
  name: "hub_graphql_requests_total",
  help: "GraphQL requests answered, by operation name (bounded; see docs/operations.md) and outcome (ok: no error in the answer)",
  labelNames: ["operation", "outcome"] as const,
  registers,
});

export const graphqlRequestDuration = new Histogram({
  name: "hub_graphql_request_duration_seconds",
  help: "Time from a GraphQL request's start to its answer (gateway: per client operation; subgraph: per fetch)",
  labelNames: ["operation", "outcome"] as const,
  buckets: LATENCY_BUCKETS,
  registers,
});

export const errorsByCode = new Counter({
  name: "hub_errors_total",
  help: "Errors answered, by extensions.code (GraphQL errors and requests refused before GraphQL)",
  labelNames: ["code"] as const,
  registers,
});

export const subgraphFetchDuration = new Histogram({
  name: "hub_gateway_subgraph_fetch_duration_seconds",
  help: "Gateway: time of one fetch to a subgraph, by subgraph and outcome (ok, error: errors in its answer, unavailable)",
  labelNames: ["subgraph", "outcome"] as const,
  buckets: LATENCY_BUCKETS,
  registers,
});

export const rateLimitRefusals = new Counter({
  name: "hub_gateway_rate_limited_total",
  help: "Gateway: requests refused by the per-organisation rate limit (HTTP 429), by the caller's role",
  labelNames: ["role"] as const,
  registers,
});

export const rateLimitStoreShared = new Gauge({
  name: "hub_gateway_rate_limit_store_shared",
  help: "Gateway: 1 while the shared rate-limit store (REDIS_URL) answers; 0 while limits fall back to this gateway's memory, or without REDIS_URL",
  registers,
});

export const rateLimitFallbacks = new Counter({
  name: "hub_gateway_rate_limit_fallback_total",
  help: "Gateway: rate-limit decisions taken in this gateway's memory because the shared store (REDIS_URL) did not answer",
  registers,
});

export const requestReplayStoreShared = new Gauge({
  name: "hub_request_replay_store_shared",
  help: "Subgraph: 1 while the shared record of used request signatures (REDIS_URL) answers; 0 while each replica checks only its own, or without REDIS_URL",
  registers,
});

export const policyRefusals = new Counter({
  name: "hub_policy_refusals_total",
  help: "Fields refused by the field rules (the gateway's filter, a subgraph's field rules) and arguments refused by the argument rules",
  labelNames: ["kind"] as const,
  registers,
});

export const retentionErased = new Counter({
  name: "hub_retention_erased_total",
  help: "Subgraph: records whose personal data a retention run erased, by retention kind (platform/retention.ts)",
  labelNames: ["kind"] as const,
  registers,
});

export const retentionBlocked = new Counter({
  name: "hub_retention_blocked_total",
  help: "Subgraph: retention kinds that erased nothing in a run because a fact could not be learned from the victims subgraph (reason: holds_unavailable, hand_over_unavailable), by kind",
  labelNames: ["kind", "reason"] as const,
  registers,
});

export const retentionRuns = new Counter({
  name: "hub_retention_runs_total",
  help: "Subgraph: retention runs, by outcome (done, dry_run, skipped: another run held the lock, failed)",
  labelNames: ["outcome"] as const,
  registers,
});

export const auditAppendDuration = new Histogram({
  name: "hub_audit_append_duration_seconds",
  help: "Subgraph: time of one group-commit append of read audit entries, by outcome",
  labelNames: ["outcome"] as const,
  buckets: QUERY_BUCKETS,
  registers,
});

export const auditAppendBatchSize = new Histogram({
  name: "hub_audit_append_batch_requests",
  help: "Subgraph: requests whose read entries went into one audit append (group commit)",
  buckets: [1, 2, 4, 8, 16, 32, 64],
  registers,
});

export const databaseQueryDuration = new Histogram({
  name: "hub_db_query_duration_seconds",
  help: "Subgraph: time of one SQL statement at the driver, by database (embedded: the process's own PGlite; server: a PostgreSQL URL) and outcome",
  labelNames: ["database", "outcome"] as const,
  buckets: QUERY_BUCKETS,
  registers,
});

/** The pools `hub_db_pool_*` read at each scrape (pg's Pool counts). */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
const pools: Array<{ kind: DatabaseKind; max: number; pool: () => PoolCounts | undefined }> = [];
/** Where a subgraph's database runs: its own embedded PGlite, or a server given by URL. */
export type DatabaseKind = "embedded" | "server";

new Gauge({
  name: "hub_db_pool_connections",
  help: "Subgraph: the database pool's connections, by state (busy, idle; max: the pool's size)",
  labelNames: ["database", "state"] as const,
  registers,
  // Read at each scrape instead of tracked on every checkout.
  collect() {
    this.reset();
    for (const { kind, max, pool } of pools) {
      const counts = pool();
      if (!counts) continue;
      this.inc({ database: kind, state: "busy" }, counts.totalCount - counts.idleCount);
      this.inc({ database: kind, state: "idle" }, counts.idleCount);
      this.inc({ database: kind, state: "max" }, max);
    }
  },
});

new Gauge({
  name: "hub_db_pool_waiting",
  help: "Subgraph: statements waiting for a connection of the database pool",
  labelNames: ["database"] as const,
  registers,
  collect() {
    this.reset();
    for (const { kind, pool } of pools) {
      const counts = pool();
      if (counts) this.inc({ database: kind }, counts.waitingCount);
    }
  },
});

/** Lets the scrape read a database pool's use (platform/database.ts). */
export function trackDatabasePool(kind: DatabaseKind, max: number, pool: () => PoolCounts | undefined): void {
  pools.push({ kind, max, pool });
}

/** Seconds since `started` (a `performance.now()`). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

// ---------------------------------------------------------------------------------------
// Label values.

/** Codes that may be a label: the hub's own and Apollo Server's; anything else is "other". */
const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

export function codeLabel(code: unknown): string {
  return typeof code === "string" && KNOWN_CODES.has(code) ? code : "other";
}

const KNOWN_ROLES = new Set<string>(ROLES);
export function roleLabel(role: unknown): string {
  return typeof role === "string" && KNOWN_ROLES.has(role) ? role : "other";
}

/** Counts one error answered with `code` (bounded to the known codes). */
export function countError(code: unknown): void {
  errorsByCode.inc({ code: codeLabel(code) });
}

/** Counts refusals by the field or argument rules. */
export function countPolicyRefusals(kind: "field" | "argument", count = 1): void {
  policyRefusals.inc({ kind }, count);
}

/** The process's operation labels (one per process: the gateway's or a subgraph's). */
export const operationLabels = new OperationLabels();

// ---------------------------------------------------------------------------------------
// Requests.

/**
 * Counts every GraphQL request Apollo answers: by operation and outcome, its time, and its
 * errors by code. Listed last among a server's plugins, so it sees the errors the others add
 * (the gateway's field filter) in the formatted answer. Per request: one clock read at each
 * end, one label lookup, a few increments; nothing per field.
 */
export function requestMetricsPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const started = performance.now();
      // The filter may drop the client's name (a placeholder operation): keep what was asked.
      const given = request.operationName;
      return {
        async willSendResponse({ response, operationName }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const outcome = errors && errors.length > 0 ? "error" : "ok";
          const operation = operationLabels.of(operationName ?? given);
          graphqlRequests.inc({ operation, outcome });
          graphqlRequestDuration.observe({ operation, outcome }, secondsSince(started));
          if (errors) for (const error of errors) countError(error.extensions?.code);
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------
// The route.

/** Who may read `/metrics`: anyone (development, tests), holders of the metrics token, or nobody (404). */
export type MetricsAccess = { kind: "open" } | { kind: "token"; digest: Buffer } | { kind: "off" };

/** A metrics token shorter than this is refused at start: it is the only thing guarding the route. */
const MIN_TOKEN_LENGTH = 32;

const digestOf = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * From the settings: with HUB_METRICS_TOKEN_FILE, the token it holds (in every environment);
 * without, open in development and tests, off (404) in production.
 */
export function metricsAccess(settings: { environment: Environment; metricsTokenFile?: string }): MetricsAccess {
  if (settings.metricsTokenFile === undefined)
    return settings.environment === "production" ? { kind: "off" } : { kind: "open" };
  let token: string;
  try {
    token = fs.readFileSync(settings.metricsTokenFile, "utf8").trim();
  } catch {
    throw new ConfigError([`HUB_METRICS_TOKEN_FILE cannot be read (${settings.metricsTokenFile})`]);
  }
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token))
    throw new ConfigError([
      `HUB_METRICS_TOKEN_FILE must hold one token of at least ${MIN_TOKEN_LENGTH} characters without spaces`,
    ]);
  return { kind: "token", digest: digestOf(token) };
}

/** Whether an Authorization header carries the metrics token; compared in constant time (digests of equal length). */
export function carriesMetricsToken(authorization: string | undefined, digest: Buffer): boolean {
  const match = /^Bearer (\S+)$/i.exec(authorization ?? "");
  return match !== null && timingSafeEqual(digestOf(match[1]), digest);
}

let processMetricsCollected = false;

/**
 * Mounts `GET /metrics` (Prometheus text format) ahead of everything else the process
 * serves, so a scraper needs no caller token and no hub signature — only the metrics token
 * where one is set. Off, there is no route at all: the same 404 as any unknown path.
 */
export function addMetricsRoute(app: Express, access: MetricsAccess, log: Logger): void {
  if (access.kind === "off") return;
  if (!processMetricsCollected) {
    collectDefaultMetrics({ register: metricsRegistry });
    processMetricsCollected = true;
  }
  const serve: RequestHandler = (request, response, next) => {
    if (access.kind === "token" && !carriesMetricsToken(request.header("authorization"), access.digest)) {
      log.warn({ requestId: response.locals.requestId }, "metrics scrape refused: no valid metrics token");
      response.setHeader("www-authenticate", 'Bearer realm="metrics"');
      response.status(401).type("text/plain").send("The metrics need the metrics token (HUB_METRICS_TOKEN_FILE)\n");
      return;
    }
    metricsRegistry.metrics().then((text) => {
      response.setHeader("cache-control", "no-store");
      response.type(metricsRegistry.contentType).send(text);
    }, next);
  };
  app.get("/metrics", serve);
}
