/** What every resolver of every subgraph receives. */
import type { DataSource } from "typeorm";
import type { RequestAudit } from "./audit/audit-log";
import type { Caller } from "./auth/claims";
import type { RequestSigner } from "./auth/request-signature";
import type { ServiceCredentials } from "./auth/service-credentials";
import type { VictimAccessGrants } from "./auth/victim-access-grant";
import type { SubgraphName } from "./config";
import type { Logger } from "./logger";
import type { VictimAccess } from "./victim-access";

export interface SubgraphContext {
  caller: Caller;
  requestId: string;
  /** The caller's own `Authorization` header, forwarded when this subgraph asks another. */
  authorization: string;
  db: DataSource;
  log: Logger;
  /** Per-request memo for DataLoaders, so each batch lives exactly one request. */
  loaders: Map<string, unknown>;
  /** The other subgraphs' /graphql URLs, for service-to-service questions. */
  peers: Record<SubgraphName, string>;
  /** This subgraph's credential for those questions. */
  services: ServiceCredentials;
  /** Signs those questions as coming from this subgraph (auth/request-signature.ts). */
  requestSigner: RequestSigner;
  /** What this request reads and writes, for the audit trail. */
  audit: RequestAudit;
  /** Seals and opens victim-access grants (see auth/victim-access-grant.ts). */
  grants: VictimAccessGrants;
  /** What the grants this request carries already answered: victim id → facts (visible people only). */
  grantedVictimAccess: ReadonlyMap<string, VictimAccess>;
  /** Victims subgraph, when the gateway asked for a grant: the people this answer names. */
  grantFor?: Set<string>;
}

/** One DataLoader (or anything) per request and key: batching without sharing between callers. */
export function perRequest<T>(context: SubgraphContext, key: string, create: () => T): T {
  let value = context.loaders.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    context.loaders.set(key, value);
  }
  return value;
}
