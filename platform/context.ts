/**
 * What every resolver of every subgraph receives: the generic members only. A subgraph's
 * domain parts (which people a grant already covers, the grant to seal) are typed by the
 * module that owns them and made by its `requestContext` hook (subgraph-server.ts), so a
 * resolver of that subgraph reads `SubgraphContext<ItsExtra>` and the platform never names them.
 */
import type { KeyObject } from "node:crypto";
import type { DataSource } from "typeorm";
import type { RequestAudit } from "./audit/audit-log";
import type { Caller } from "./auth/claims";
import type { ErasureScrubber } from "./erasure";
import type { RetentionWindow } from "./retention";
import type { ServiceClient } from "./internal-api";
import type { Logger } from "./logger";

export interface GenericContext {
  caller: Caller;
  requestId: string;
  /** The caller's own `Authorization` header, forwarded when this subgraph asks another. */
  authorization: string;
  db: DataSource;
  log: Logger;
  /** Per-request memo for DataLoaders, so each batch lives exactly one request. */
  loaders: Map<string, unknown>;
  /** What this request reads and writes, for the audit trail. */
  audit: RequestAudit;
  /** How this subgraph asks the others (internal-api.ts `ask`). */
  serviceClient: ServiceClient;
  /** Scrubs erased values from the database files once an erasure committed (platform/erasure.ts). */
  erasureScrubber: ErasureScrubber;
  /** Which records are past their retention period (platform/retention.ts): what a hold keeps reads as erased to partners. */
  retention: RetentionWindow;
  /** The kind of operation this request runs, once Apollo has resolved it (undefined before). */
  operationKind?: "query" | "mutation" | "subscription";
}

// `{}` as the default: no extra members, and any module's context is still a SubgraphContext.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type SubgraphContext<Extra extends object = {}> = GenericContext & Extra;

/** One DataLoader (or anything) per request and key: batching without sharing between callers. */
export function perRequest<T>(context: GenericContext, key: string, create: () => T): T {
  let value = context.loaders.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    context.loaders.set(key, value);
  }
  return value;
}

/** What a module's request-context hook is given once, when its subgraph starts. */
export interface SubgraphProcess {
  /** The subgraph's name. */
  name: string;
  /** The secret the subgraphs share (auth/service-credentials.ts); a module derives keys of its own from it. */
  serviceSecret: string;
  /** This process's own Ed25519 key (auth/keys.ts): what it signs is its own, verifiable by the others. */
  signingKey: KeyObject;
  /** The public key of a hub process this one accepts (`gateway`, a subgraph's name), if any. */
  publicKeyOf(signer: string): KeyObject | undefined;
  log: Logger;
}

/** What it is given per request, from the verified HTTP request (or an in-process harness). */
export interface ContextRequest {
  caller: Caller;
  requestId: string;
  authorization: string;
  /** The hub process that signed the request (`gateway`, a subgraph's name), if any. */
  signer: string | undefined;
  header(name: string): string | undefined;
  /** The GraphQL request's `extensions`. */
  extensions: unknown;
}

/** A module's hook: made once per process, called once per request; its members join the request's context. */
export type RequestContextHook<Extra extends object> = (process: SubgraphProcess) => (request: ContextRequest) => Extra;
