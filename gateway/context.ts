import type { Caller } from "../platform/auth/claims";
import type { FilteredOperation } from "./field-filter";

export interface GatewayContext {
  caller: Caller;
  requestId: string;
  authorization: string;
  /** SQL statements each subgraph reported for this request (development and tests). */
  sqlStatements: Record<string, number>;
  /** Questions each subgraph asked another (`/internal/...`) for this request (development and tests). */
  peerQuestions: Record<string, number>;
  filtered?: FilteredOperation;
  /** The plan continues from the victims subgraph into others: ask it for a grant (victim-access-grants.ts). */
  wantsVictimAccessGrant: boolean;
  /** Grants the victims subgraph gave during this request, passed on to later fetches. */
  victimAccessGrants: string[];
}
