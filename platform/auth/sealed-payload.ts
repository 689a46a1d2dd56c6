/**
 * A payload sealed for one caller, one request and a short life: AES-256-GCM under
 * a key derived from the service secret for one purpose, which only the subgraphs hold
 * (docker-compose gives the gateway none), so whoever carries a sealed payload — the
 * gateway, anyone on the way — can neither read, make nor alter one. It is bound to the
 * caller's token (a SHA-256 of the Authorization header) and to the request id the gateway
 * made for this one request (clients cannot choose it: http.ts requestIdOf) as GCM's
 * additional data, so it opens for no other caller or request, and to its lifetime (sealed
 * inside); one that fails any check does not open. The payload is bytes the contract
 * using it encodes (`encode`/`decode`): what it says, who seals it and who opens it
 * belong to that contract (contracts/victim-access/grant.ts).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const EXPIRY_BYTES = 8;

export interface SealedPayloadOptions<T> {
  /** Names the use; a key of its own is derived from it, so no two uses share one. */
  purpose: string;
  /** Written in front of every sealed payload, and part of the additional data: one of another version does not open. */
  version: string;
  lifetimeMs: number;
  /** A longer text is refused before any decryption. */
  maxLength: number;
  /** The payload as bytes. May throw: then nothing is sealed. */
  encode(payload: T): Buffer;
  /** The payload from its bytes, or undefined if they are not one (then it does not open). */
  decode(bytes: Buffer): T | undefined;
}

export interface SealedPayloads<T> {
  /** `payload`, sealed for this caller and request. */
  seal(authorization: string, requestId: string, payload: T): string;
  /** The payload, or undefined if `sealed` is not a valid one for this caller and request, or expired. */
  open(sealed: unknown, authorization: string, requestId: string): T | undefined;
}

/** The additional data: the use, and the caller (their whole Authorization header, hashed) and request it is for. */
function binding(purpose: string, version: string, authorization: string, requestId: string): Buffer {
  return createHash("sha256")
    .update(`${purpose}\n${version}\n`)
    .update(createHash("sha256").update(authorization).digest())
    .update(`\n${requestId}`)
    .digest();
}

export function createSealedPayloads<T>(
  secretText: string,
  options: SealedPayloadOptions<T>,
  now: () => number = Date.now,
): SealedPayloads<T> {
  // A key of its own, so the service secret's other use (credentials) never shares one.
  const key = createHmac("sha256", secretText).update(options.purpose).digest();
  const { version, purpose } = options;
  return {
    seal(authorization, requestId, payload) {
      const expiry = Buffer.alloc(EXPIRY_BYTES);
      expiry.writeDoubleBE(now() + options.lifetimeMs);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(binding(purpose, version, authorization, requestId));
      const sealed = Buffer.concat([cipher.update(expiry), cipher.update(options.encode(payload)), cipher.final()]);
      return `${version}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url")}`;
    },
    open(sealed, authorization, requestId) {
      if (
        typeof sealed !== "string" ||
        !authorization ||
        typeof requestId !== "string" ||
        sealed.length > options.maxLength ||
        !sealed.startsWith(`${version}.`)
      )
        return undefined;
      try {
        const raw = Buffer.from(sealed.slice(version.length + 1), "base64url");
        if (raw.length < IV_BYTES + EXPIRY_BYTES + TAG_BYTES) return undefined;
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES)).setAAD(
          binding(purpose, version, authorization, requestId),
        );
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        // final() throws unless the tag verifies: for another caller, request, key or any altered byte.
        const plain = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]);
        const expiresAt = plain.readDoubleBE(0);
        if (!Number.isFinite(expiresAt) || expiresAt < now()) return undefined;
        return options.decode(plain.subarray(EXPIRY_BYTES));
      } catch {
        return undefined;
      }
    },
  };
}
