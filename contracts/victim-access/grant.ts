/**
 * Victim-access grants: the victims subgraph's answer to `/internal/victim-access`
 * (route.ts), given ahead of the question. When the hub's gateway plans a request that
 * starts at the victims subgraph and continues in others (an embassy's dashboard:
 * nationals, then their placements, documents and repatriation), it asks the victims
 * fetch for a grant covering the people that fetch returned (`GRANT_WANTED_HEADER`), and
 * hands it to the later fetches of the same request (`GRANT_REQUEST_EXTENSION`), which
 * then need not ask themselves (gateway/victim-access-grants.ts).
 *
 * A grant is the route's answer sealed by platform/auth/sealed-payload.ts: opaque to the
 * gateway and the client, bound to the caller's token, to the request id the gateway made
 * and to ten seconds. The victims subgraph seals one only for a request the gateway signed
 * (subgraphs/victims/victim-access.ts); a grant that fails any check is ignored and the
 * subgraph asks, exactly as without one (asking.ts): a grant can save a question, never
 * widen an answer.
 */
import { createSealedPayloads, type SealedPayloads } from "../../platform/auth/sealed-payload";
import type { VictimAccess } from "./route";

/** Request header by which the gateway asks the victims subgraph for a grant. */
export const GRANT_WANTED_HEADER = "x-hub-grant"; // signed (platform/auth/request-signature.ts SIGNED_HEADERS)
/** Response extension carrying the grant from the victims subgraph to the gateway. */
export const GRANT_RESPONSE_EXTENSION = "victimAccessGrant";
/** Request extension carrying grants from the gateway to the other subgraphs. */
export const GRANT_REQUEST_EXTENSION = "victimAccessGrants";
/** A request's fetches carry at most this many grants (one per victims fetch of the plan). */
export const MAX_GRANTS_PER_REQUEST = 8;

export type VictimAccessGrants = SealedPayloads<VictimAccess[]>;

export function createVictimAccessGrants(secretText: string, now: () => number = Date.now): VictimAccessGrants {
  return createSealedPayloads<VictimAccess[]>(
    secretText,
    {
      purpose: "survivor-hub victim-access grant",
      version: "g1",
      lifetimeMs: 10_000,
      // A grant names at most 1,000 people: far below this many characters.
      maxLength: 512 * 1024,
      accepts: (payload): payload is VictimAccess[] => Array.isArray(payload),
    },
    now,
  );
}
