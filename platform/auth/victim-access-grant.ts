/**
 * Victim-access grants: the victims subgraph's answer to "which of these people may this
 * caller see, and what do your rules need to know about them", given ahead of the
 * question. When the hub's gateway plans a request that starts at the victims subgraph
 * and continues in others (an embassy's dashboard: nationals, then their placements,
 * documents and repatriation), it asks the victims fetch for a grant covering the people
 * that fetch returned, and hands it to the later fetches of the same request, which then
 * need not ask `/internal/victim-access` themselves.
 *
 * The gateway only carries the grant; it can neither read, make nor alter one. A grant is
 * sealed with AES-256-GCM under a key derived from the service secret, which only the
 * subgraphs hold (docker-compose gives the gateway none), so what it says about people is
 * opaque to the gateway and to anyone who might see it on the way. It is bound to the
 * caller's token (a SHA-256 of the Authorization header), to the request id the gateway
 * made for this one request (clients cannot choose it: http.ts requestIdOf) and to ten
 * seconds of life. The victims subgraph seals one only for a request the gateway signed
 * (auth/request-signature.ts); a grant that fails any check is ignored and the subgraph
 * asks, exactly as without one: a grant can save a question, never widen an answer.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import type { VictimAccess } from "../victim-access";

/** Request header by which the gateway asks the victims subgraph for a grant. */
export const GRANT_WANTED_HEADER = "x-hub-victim-access-grant";
/** Response extension carrying the grant from the victims subgraph to the gateway. */
export const GRANT_RESPONSE_EXTENSION = "victimAccessGrant";
/** Request extension carrying grants from the gateway to the other subgraphs. */
export const GRANT_REQUEST_EXTENSION = "victimAccessGrants";
/** A request's fetches carry at most this many grants (one per victims fetch of the plan). */
export const MAX_GRANTS_PER_REQUEST = 8;

const VERSION = "g1";
const LIFETIME_MS = 10_000;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A grant names at most 1,000 people: far below this many characters. */
const MAX_GRANT_LENGTH = 512 * 1024;

interface GrantPayload {
  /** The caller it is for: a hash of their Authorization header. */
  caller: string;
  requestId: string;
  expiresAt: number;
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

export function createVictimAccessGrants(secretText: string, now: () => number = Date.now): VictimAccessGrants {
  // A key of its own, so the service secret's other use (credentials) never shares one.
  const key = createHmac("sha256", secretText).update("survivor-hub victim-access grant").digest();
  const aad = Buffer.from(`survivor-hub-grant-${VERSION}`);
  return {
    seal(authorization, requestId, visible) {
      const payload: GrantPayload = {
        caller: callerBinding(authorization),
        requestId,
        expiresAt: now() + LIFETIME_MS,
        visible,
      };
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
      const sealed = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url")}`;
    },
    open(grant, authorization, requestId) {
      if (
        typeof grant !== "string" ||
        !authorization ||
        grant.length > MAX_GRANT_LENGTH ||
        !grant.startsWith(`${VERSION}.`)
      )
        return undefined;
      try {
        const raw = Buffer.from(grant.slice(VERSION.length + 1), "base64url");
        if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES)).setAAD(aad);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
        const payload = JSON.parse(plain) as Partial<GrantPayload>;
        if (payload.caller !== callerBinding(authorization) || payload.requestId !== requestId) return undefined;
        if (typeof payload.expiresAt !== "number" || payload.expiresAt < now() || !Array.isArray(payload.visible))
          return undefined;
        return payload.visible;
      } catch {
        return undefined;
      }
    },
  };
}
