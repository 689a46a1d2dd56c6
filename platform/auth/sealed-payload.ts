/**
 * A JSON payload sealed for one caller, one request and a short life: AES-256-GCM under
 * a key derived from the service secret for one purpose, which only the subgraphs hold
 * (docker-compose gives the gateway none), so whoever carries a sealed payload — the
 * gateway, anyone on the way — can neither read, make nor alter one. It is bound to the
 * caller's token (a SHA-256 of the Authorization header), to the request id the gateway
 * made for this one request (clients cannot choose it: http.ts requestIdOf) and to its
 * lifetime; one that fails any check does not open. What a payload says, who seals it and
 * who opens it belong to the contract using it (contracts/victim-access/grant.ts).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedPayloadOptions<T> {
  /** Names the use; a key of its own is derived from it, so no two uses share one. */
  purpose: string;
  /** Written in front of every sealed payload; one of another version does not open. */
  version: string;
  lifetimeMs: number;
  /** A longer text is refused before any decryption. */
  maxLength: number;
  /** Whether an opened payload has the expected shape. */
  accepts(payload: unknown): payload is T;
}

export interface SealedPayloads<T> {
  /** `payload`, sealed for this caller and request. */
  seal(authorization: string, requestId: string, payload: T): string;
  /** The payload, or undefined if `sealed` is not a valid one for this caller and request, or expired. */
  open(sealed: unknown, authorization: string, requestId: string): T | undefined;
}

interface Envelope {
  /** The caller it is for: a hash of their Authorization header. */
  caller: string;
  requestId: string;
  expiresAt: number;
  payload: unknown;
}

/** The caller a payload is bound to: their whole Authorization header, hashed. */
function callerBinding(authorization: string): string {
  return createHash("sha256").update(authorization).digest("base64url");
}

export function createSealedPayloads<T>(
  secretText: string,
  options: SealedPayloadOptions<T>,
  now: () => number = Date.now,
): SealedPayloads<T> {
  // A key of its own, so the service secret's other use (credentials) never shares one.
  const key = createHmac("sha256", secretText).update(options.purpose).digest();
  const { version } = options;
  const aad = Buffer.from(`${options.purpose} ${version}`);
  return {
    seal(authorization, requestId, payload) {
      const envelope: Envelope = {
        caller: callerBinding(authorization),
        requestId,
        expiresAt: now() + options.lifetimeMs,
        payload,
      };
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
      const sealed = Buffer.concat([cipher.update(JSON.stringify(envelope), "utf8"), cipher.final()]);
      return `${version}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url")}`;
    },
    open(sealed, authorization, requestId) {
      if (
        typeof sealed !== "string" ||
        !authorization ||
        sealed.length > options.maxLength ||
        !sealed.startsWith(`${version}.`)
      )
        return undefined;
      try {
        const raw = Buffer.from(sealed.slice(version.length + 1), "base64url");
        if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES)).setAAD(aad);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
        const envelope = JSON.parse(plain) as Partial<Envelope>;
        if (envelope.caller !== callerBinding(authorization) || envelope.requestId !== requestId) return undefined;
        if (typeof envelope.expiresAt !== "number" || envelope.expiresAt < now() || !options.accepts(envelope.payload))
          return undefined;
        return envelope.payload;
      } catch {
        return undefined;
      }
    },
  };
}
