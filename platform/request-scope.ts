/**
 * Diagnostic counts of SQL statements and questions to other subgraphs (tests and the
 * benchmark assert bounds on them; config.ts `diagnosticCounters`, never in production).
 *
 * Per request (HUB_DIAGNOSTIC_COUNTERS=on, the tests): a request scope, an
 * AsyncLocalStorage, follows the request's async work to the TypeORM logger that sees each
 * statement. An AsyncLocalStorage that has run once installs promise hooks that cost on
 * every promise of the process on Node 20 (measured: 23 % of a subgraph's CPU per
 * dashboard), so nothing else uses it — the request id travels in the request context —
 * and nothing enters a scope unless per-request counters are on: then `getStore()` and
 * `exit()` are plain calls.
 *
 * Process-wide totals (plain increments, always kept): read on a signed route only while
 * diagnostic counters are on (`HUB_DIAGNOSTIC_COUNTERS=totals` for the benchmark, with no
 * request scope at all).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestScope {
  requestId: string;
  sqlStatements: number;
  peerQuestions: number;
}

export type CountedMeasure = "sqlStatements" | "peerQuestions";

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Where a subgraph answers its totals (POST, hub-signed; mounted only while diagnostic counters are on). */
export const DIAGNOSTIC_COUNTERS_PATH = "/diagnostics/counters";

/** Everything this process counted since it started. */
const totals: Record<CountedMeasure, number> = { sqlStatements: 0, peerQuestions: 0 };

export function counterTotals(): Readonly<Record<CountedMeasure, number>> {
  return { ...totals };
}

/** Counts one SQL statement or question: in the totals, and for the current request's scope if there is one. */
export function countFor(measure: CountedMeasure): void {
  totals[measure] += 1;
  const scope = requestScope.getStore();
  if (scope) scope[measure] += 1;
}

/** Counts, for each of these requests, one statement the totals have counted already (one append for several requests). */
export function countForEach(measure: CountedMeasure, scopes: Iterable<RequestScope | undefined>): void {
  for (const scope of scopes) if (scope) scope[measure] += 1;
}
