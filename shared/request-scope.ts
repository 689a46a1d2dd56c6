/**
 * Per-request bookkeeping that must follow async work without being threaded through
 * every call: the request id and the count of SQL statements the request caused
 * (tests and the benchmark assert bounds on it).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestScope {
  requestId: string;
  sqlStatements: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

export function countSqlStatement(): void {
  const scope = requestScope.getStore();
  if (scope) scope.sqlStatements += 1;
}
