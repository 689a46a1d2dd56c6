/**
 * A payload sealed for one caller, one request and a short life: AES-256-GCM under
 * a key derived from the service secret for one purpose, which only the subgraphs hold
 * (docker-compose gives the gateway none), so whoever carries a sealed payload — the
 * gateway, anyone on the way — can neither read, make nor alter one. It is bound to the
 * caller's token (a SHA-256 of the Authorization header) and to the request id the gateway
 * made for this one request (clients cannot choose it: http.ts requestIdOf) as GCM's
 * additional data, so it opens for no other caller or request, and to its lifetime (sealed
 * inside); one that fails any check does not open. Every holder of the service secret (each
 * subgraph) could seal one, so a use whose payloads must come from one process alone gives
 * `signing`: the sealer's Ed25519 signature over the binding, expiry and payload rides
 * inside the seal, and a payload opens only if it verifies with the sealer's public key —
 * a subgraph insider with the service secret can read such a payload, but not make one.
 * The payload is bytes the contract
 * using it encodes (`encode`/`decode`): what it says, who seals it and who opens it
 * belong to that contract (contracts/victim-access/grant.ts).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  sign as ed25519Sign,
  verify as ed25519Verify,
  type KeyObject,
} from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const EXPIRY_BYTES = 8;
const SIGNATURE_BYTES = 64; // Ed25519

/** Payloads only one process may make: it signs them with its own key, and they open only if that key's public half verifies. */
export interface PayloadSigning {
  /** The sealer's Ed25519 public key. Undefined (not configured): nothing opens. */
  publicKey: KeyObject | undefined;
  /** The sealer's Ed25519 private key, held by the sealer alone; without it `seal` throws. */
  privateKey?: KeyObject;
}

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
  /** Who alone may seal (see above); without it, any holder of the secret may. */
  signing?: PayloadSigning;
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
  const { version, purpose, signing } = options;
  const signatureBytes = signing ? SIGNATURE_BYTES : 0;
  // What the signature covers: the same binding as the seal's, so it is as bound as the seal.
  const signed = (bound: Buffer, expiry: Buffer, body: Buffer) => Buffer.concat([bound, expiry, body]);
  return {
    seal(authorization, requestId, payload) {
      const expiry = Buffer.alloc(EXPIRY_BYTES);
      expiry.writeDoubleBE(now() + options.lifetimeMs);
      const bound = binding(purpose, version, authorization, requestId);
      const body = options.encode(payload);
      let signature = Buffer.alloc(0);
      if (signing) {
        if (!signing.privateKey) throw new Error(`only the sealer of ${purpose} may seal one`);
        signature = ed25519Sign(null, signed(bound, expiry, body), signing.privateKey);
      }
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(bound);
      const sealed = Buffer.concat([
        cipher.update(expiry),
        cipher.update(signature),
        cipher.update(body),
        cipher.final(),
      ]);
      return `${version}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url")}`;
    },
    open(sealed, authorization, requestId) {
      if (
        typeof sealed !== "string" ||
        !authorization ||
        typeof requestId !== "string" ||
        sealed.length > options.maxLength ||
        !sealed.startsWith(`${version}.`) ||
        (signing && !signing.publicKey)
      )
        return undefined;
      try {
        const raw = Buffer.from(sealed.slice(version.length + 1), "base64url");
        if (raw.length < IV_BYTES + EXPIRY_BYTES + signatureBytes + TAG_BYTES) return undefined;
        const bound = binding(purpose, version, authorization, requestId);
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES)).setAAD(bound);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        // final() throws unless the tag verifies: for another caller, request, key or any altered byte.
        const plain = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]);
        const expiry = plain.subarray(0, EXPIRY_BYTES);
        const body = plain.subarray(EXPIRY_BYTES + signatureBytes);
        // Sealed with the secret but not signed by the sealer's key (another holder of the secret made it): it does not open.
        if (
          signing &&
          !ed25519Verify(
            null,
            signed(bound, expiry, body),
            signing.publicKey!,
            plain.subarray(EXPIRY_BYTES, EXPIRY_BYTES + SIGNATURE_BYTES),
          )
        )
          return undefined;
        const expiresAt = expiry.readDoubleBE(0);
        if (!Number.isFinite(expiresAt) || expiresAt < now()) return undefined;
        return options.decode(body);
      } catch {
        return undefined;
      }
    },
  };
}
