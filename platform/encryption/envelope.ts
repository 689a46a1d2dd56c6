/**
 * Encryption at rest of single values, with the process's data key ring (key-ring.ts).
 *
 *   v1.<keyId>.<iv>.<ciphertext+tag>      (iv: 96 random bits; both in base64url)
 *
 * AES-256-GCM, a fresh IV per value, and as additional data the value's place
 * (`table.column`): a ciphertext copied into another column does not authenticate there.
 * Anything that fails — an unknown key id, a tampered or truncated value, plain text
 * where a ciphertext belongs — is a DataDecryptionError (code DATA_DECRYPTION_FAILED):
 * never garbage, never the stored text passed on. Keyed hashes for matching
 * (HMAC-SHA-256 under the ring's matching key) are `<keyId>.<base64url>`.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { KEY_ID_PATTERN, type DataKeyRing } from "./key-ring";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The stable code of a value that does not decrypt, in the logs (the caller sees a generic internal error). */
export const DATA_DECRYPTION_FAILED = "DATA_DECRYPTION_FAILED";

export class DataDecryptionError extends Error {
  readonly code = DATA_DECRYPTION_FAILED;
  constructor(
    readonly place: string,
    reason: string,
  ) {
    // The message names the column and why, never the value.
    super(`${DATA_DECRYPTION_FAILED}: a value of ${place} did not decrypt (${reason})`);
    this.name = "DataDecryptionError";
  }
}

/** No ring installed in this process: a start-up mistake, never a request's. */
export class DataKeysNotLoadedError extends Error {
  constructor() {
    super("DATA_KEYS_NOT_LOADED: this process reads encrypted columns but loaded no data key ring (HUB_DATA_KEY_FILE)");
    this.name = "DataKeysNotLoadedError";
  }
}

let installed: DataKeyRing | undefined;

/**
 * Makes `ring` this process's key ring. The column transformers (column.ts) are declared
 * on entity classes, once per process, so the ring they use is one per process too.
 */
export function installDataKeyRing(ring: DataKeyRing): void {
  installed = ring;
}

export function installedDataKeyRing(): DataKeyRing {
  if (!installed) throw new DataKeysNotLoadedError();
  return installed;
}

/** `table.column`: where a value belongs, bound into its ciphertext. */
export type ValuePlace = `${string}.${string}`;

export function encryptValue(place: ValuePlace, plaintext: string, ring = installedDataKeyRing()): string {
  const keyId = ring.data.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", ring.data.keys.get(keyId)!, iv);
  cipher.setAAD(Buffer.from(place, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${keyId}.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/** The id of the key that encrypted `envelope` (undefined when it is no envelope at all). */
export function envelopeKeyId(envelope: string): string | undefined {
  const [version, keyId] = envelope.split(".", 3);
  return version === VERSION && keyId && KEY_ID_PATTERN.test(keyId) ? keyId : undefined;
}

export function decryptValue(place: ValuePlace, envelope: string, ring = installedDataKeyRing()): string {
  const parts = envelope.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DataDecryptionError(place, "not an encrypted value");
  const [, keyId, ivText, bodyText] = parts;
  const key = ring.data.keys.get(keyId);
  if (!key)
    throw new DataDecryptionError(place, `key id "${KEY_ID_PATTERN.test(keyId) ? keyId : "?"}" is not in the key ring`);
  const iv = Buffer.from(ivText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new DataDecryptionError(place, "malformed");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(place, "utf8"));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new DataDecryptionError(place, `does not authenticate under key "${keyId}"`);
  }
}

/**
 * How a value is normalised before it is hashed for matching: Unicode NFKC (a full-width
 * "Ｐ" is a "P"), surrounding white space trimmed, upper case. " p1234567" and "P1234567"
 * match; "P-123" and "P123" do not (a separator can be part of a number; a uniqueness
 * check must not refuse a different document).
 */
export function normaliseForMatching(value: string): string {
  return value.normalize("NFKC").trim().toUpperCase();
}

function hashUnder(keyId: string, key: Buffer, place: ValuePlace, value: string): string {
  const digest = createHmac("sha256", key)
    .update(`${place}\u0000${normaliseForMatching(value)}`, "utf8")
    .digest();
  return `${keyId}.${digest.toString("base64url")}`;
}

/** The keyed hash `value` is stored with, under the current matching key (the place keeps columns' hashes apart). */
export function matchingHash(place: ValuePlace, value: string, ring = installedDataKeyRing()): string {
  const keyId = ring.matching.current;
  return hashUnder(keyId, ring.matching.keys.get(keyId)!, place, value);
}

/** The hashes `value` may be stored under, one per matching key in the ring: a lookup finds rows not yet rotated too. */
export function matchingHashes(place: ValuePlace, value: string, ring = installedDataKeyRing()): string[] {
  return [...ring.matching.keys].map(([keyId, key]) => hashUnder(keyId, key, place, value));
}

/** The id of the matching key a stored hash was made with. */
export function matchingHashKeyId(hash: string): string | undefined {
  const keyId = hash.split(".", 1)[0];
  return KEY_ID_PATTERN.test(keyId) ? keyId : undefined;
}
