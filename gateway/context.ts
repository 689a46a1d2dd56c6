import type { Caller } from "../shared/auth/claims";
import type { FilteredOperation } from "./field-filter";

export interface GatewayContext {
  caller: Caller;
  requestId: string;
  authorization: string;
  /** SQL statements each subgraph reported for this request (development and tests). */
  sqlStatements: Record<string, number>;
  filtered?: FilteredOperation;
}
