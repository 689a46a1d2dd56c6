/**
 * Per-request bookkeeping that must follow async work without being threaded through
 * every call: the request id, and the SQL statements and questions to other subgraphs
 * the request caused (tests and the benchmark assert bounds on them).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestScope {
  requestId: string;
  sqlStatements: number;
  peerQuestions: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Counts one SQL statement or question for a request: the current one, unless another's scope is given. */
export function countFor(
  measure: "sqlStatements" | "peerQuestions",
  scope: RequestScope | undefined = requestScope.getStore(),
): void {
  if (scope) scope[measure] += 1;
}
