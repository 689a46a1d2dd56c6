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

export function countSqlStatement(): void {
  const scope = requestScope.getStore();
  if (scope) scope.sqlStatements += 1;
}

export function countPeerQuestion(): void {
  const scope = requestScope.getStore();
  if (scope) scope.peerQuestions += 1;
}
