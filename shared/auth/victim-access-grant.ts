/**
 * Victim-access grants: the victims subgraph's answer to "which of these people may this
 * caller see, and what do your rules need to know about them", given ahead of the
 * question. When the hub's gateway plans a request that starts at the victims subgraph
 * and continues in others (an embassy's dashboard: nationals, then their placements,
 * documents and repatriation), it asks the victims fetch for a grant covering the people
 * that fetch returned, and hands it to the later fetches of the same request, which then
 * need not ask `/internal/victim-access` themselves.
 *
 * The gateway only carries the grant; it cannot make or alter one. It is HS256 over the
 * service secret only subgraphs hold (docker-compose gives the gateway none), with its
 * own audience so a grant is never a service credential nor the reverse, and bound to
 * the caller's token (a SHA-256 of the Authorization header), the request id and ten
 * seconds of life. A grant that fails any of these is ignored and the subgraph asks,
 * exactly as without one: a grant can save a question, never widen an answer.
 */
import { createHash, createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import type { VictimAccess } from "../victim-access";

/** Request header by which the gateway asks the victims subgraph for a grant. */
export const GRANT_WANTED_HEADER = "x-hub-victim-access-grant";
/** Response extension carrying the grant from the victims subgraph to the gateway. */
export const GRANT_RESPONSE_EXTENSION = "victimAccessGrant";
/** Request extension carrying grants from the gateway to the other subgraphs. */
export const GRANT_REQUEST_EXTENSION = "victimAccessGrants";
/** A request's fetches carry at most this many grants (one per victims fetch of the plan). */
export const MAX_GRANTS_PER_REQUEST = 8;

const ALGORITHM = "HS256" as const;
const AUDIENCE = "survivor-hub-victim-access-grant";
const ISSUER = "survivor-hub-victims";
const LIFETIME_SECONDS = 10;

interface GrantPayload {
  visible: VictimAccess[];
}

export interface VictimAccessGrants {
  /** A grant saying `visible` is what the victims subgraph answers this caller, in this request. */
  seal(authorization: string, requestId: string, visible: VictimAccess[]): string;
  /** The facts a grant holds, or undefined if it is not a valid grant for this caller and request. */
  open(grant: unknown, authorization: string, requestId: string): VictimAccess[] | undefined;
}

/** The caller a grant is bound to: their whole Authorization header, hashed. */
function callerBinding(authorization: string): string {
  return createHash("sha256").update(authorization).digest("base64url");
}

export function createVictimAccessGrants(secretText: string): VictimAccessGrants {
  const secret: KeyObject = createSecretKey(Buffer.from(secretText, "utf8"));
  return {
    seal(authorization, requestId, visible) {
      const payload: GrantPayload = { visible };
      return jwt.sign(payload, secret, {
        algorithm: ALGORITHM,
        audience: AUDIENCE,
        issuer: ISSUER,
        subject: callerBinding(authorization),
        jwtid: requestId,
        expiresIn: LIFETIME_SECONDS,
      });
    },
    open(grant, authorization, requestId) {
      if (typeof grant !== "string" || !authorization) return undefined;
      try {
        const payload = jwt.verify(grant, secret, {
          algorithms: [ALGORITHM],
          audience: AUDIENCE,
          issuer: ISSUER,
          subject: callerBinding(authorization),
          jwtid: requestId,
        });
        if (typeof payload === "string" || payload.exp === undefined || !Array.isArray((payload as Partial<GrantPayload>).visible)) return undefined;
        return (payload as GrantPayload).visible;
      } catch {
        return undefined;
      }
    },
  };
}
