/**
 * The data key ring: the keys that encrypt the hub's most dangerous values at rest
 * (envelope.ts) and the keys of the keyed hashes that still let the hub match them.
 * One JSON file, HUB_DATA_KEY_FILE (production) or made once under the data directory's
 * key folder (development), owner-readable only (a file any other user may read is
 * refused, as a private SSH key would be):
 *
 *   { "version": 1,
 *     "data":     { "current": "d1", "keys": { "d1": "<32 bytes, base64>" } },
 *     "matching": { "current": "m1", "keys": { "m1": "<32 bytes, base64>" } } }
 *
 * Key ids are short words (letters, digits, `_`, `-`): each stored value names the key
 * that made it, so old keys keep decrypting until rotation (scripts/rotate-data-key.ts)
 * has re-encrypted everything and they are retired.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeOnce } from "../auth/keys";

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;

export interface KeySet {
  readonly current: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export interface DataKeyRing {
  /** AES-256-GCM keys of the values (envelope.ts). */
  readonly data: KeySet;
  /** HMAC-SHA-256 keys of the matching hashes (keyed-hash.ts). */
  readonly matching: KeySet;
}

/** A key file that cannot be used: a configuration problem, named, never quoting a key. */
export class DataKeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataKeyFileError";
  }
}

/** Development: where the generated key file lives under the key directory. */
export function devDataKeyFile(keyDir: string): string {
  return path.join(keyDir, "data-keys.json");
}

function parseKeySet(value: unknown, what: string, source: string): KeySet {
  const set = value as { current?: unknown; keys?: unknown } | null;
  if (typeof set !== "object" || set === null || typeof set.keys !== "object" || set.keys === null)
    throw new DataKeyFileError(`${source}: "${what}" must be an object with "current" and "keys"`);
  const keys = new Map<string, Buffer>();
  for (const [id, encoded] of Object.entries(set.keys as Record<string, unknown>)) {
    if (!KEY_ID_PATTERN.test(id))
      throw new DataKeyFileError(`${source}: ${what} key id "${id}" must be 1-32 letters, digits, _ or -`);
    const key = typeof encoded === "string" ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) throw new DataKeyFileError(`${source}: ${what} key "${id}" is not 256 bits (base64)`);
    keys.set(id, key);
  }
  if (typeof set.current !== "string" || !keys.has(set.current))
    throw new DataKeyFileError(`${source}: ${what}.current must name one of its keys`);
  return { current: set.current, keys };
}

export function parseDataKeyRing(text: string, source: string): DataKeyRing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DataKeyFileError(`${source} is not JSON`);
  }
  const file = parsed as { version?: unknown; data?: unknown; matching?: unknown } | null;
  if (typeof file !== "object" || file === null || file.version !== 1)
    throw new DataKeyFileError(`${source} must be a version 1 data key file`);
  return { data: parseKeySet(file.data, "data", source), matching: parseKeySet(file.matching, "matching", source) };
}

export function serialiseDataKeyRing(ring: DataKeyRing): string {
  const set = (keys: KeySet) => ({
    current: keys.current,
    keys: Object.fromEntries([...keys.keys].map(([id, key]) => [id, key.toString("base64")])),
  });
  return `${JSON.stringify({ version: 1, data: set(ring.data), matching: set(ring.matching) }, null, 2)}\n`;
}

function newKeyRingText(): string {
  const fresh = (id: string): KeySet => ({ current: id, keys: new Map([[id, randomBytes(KEY_BYTES)]]) });
  return serialiseDataKeyRing({ data: fresh("d1"), matching: fresh("m1") });
}

/** Refuses a key file that anyone but its owner may read or write. */
function checkFileMode(file: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  // Group read is allowed: Kubernetes mounts Secrets for the pod's fsGroup (0440), nobody else reads.
  if (mode & 0o037)
    throw new DataKeyFileError(
      `${file} is readable or writable by others (mode ${mode.toString(8)}); make it 0600 or 0400 (0440 for a group of its own)`,
    );
}

/** Reads and checks the key file. */
export function readDataKeyRing(file: string): DataKeyRing {
  if (!fs.existsSync(file)) throw new DataKeyFileError(`HUB_DATA_KEY_FILE ${file} does not exist`);
  checkFileMode(file);
  return parseDataKeyRing(fs.readFileSync(file, "utf8"), file);
}

/** The key ring: HUB_DATA_KEY_FILE when given, else (development) made once under `devKeyDir`. */
export function loadDataKeyRing(options: { file?: string; devKeyDir: string }): DataKeyRing {
  if (options.file) return readDataKeyRing(options.file);
  const file = devDataKeyFile(options.devKeyDir);
  writeOnce(file, newKeyRingText);
  return readDataKeyRing(file);
}

/** Replaces the key file in one step (a reader never sees half a file), owner-only. */
export function writeDataKeyRing(file: string, ring: DataKeyRing): void {
  const staging = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.new`);
  fs.writeFileSync(staging, serialiseDataKeyRing(ring), { mode: 0o600 });
  fs.renameSync(staging, file);
}

/** The next free id of the form <prefix><n>. */
function nextKeyId(set: KeySet, prefix: string): string {
  let highest = 0;
  for (const id of set.keys.keys()) {
    const match = new RegExp(`^${prefix}(\\d+)$`).exec(id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return `${prefix}${highest + 1}`;
}

/** The ring with a new, current key in `which` (the old ones stay, to decrypt or match until rotated away). */
export function withNewKey(ring: DataKeyRing, which: "data" | "matching"): { ring: DataKeyRing; keyId: string } {
  const set = ring[which];
  const keyId = nextKeyId(set, which === "data" ? "d" : "m");
  const keys = new Map(set.keys);
  keys.set(keyId, randomBytes(KEY_BYTES));
  return { ring: { ...ring, [which]: { current: keyId, keys } }, keyId };
}

/** The ring without the key `keyId` of `which` (never the current one). */
export function withoutKey(ring: DataKeyRing, which: "data" | "matching", keyId: string): DataKeyRing {
  const set = ring[which];
  if (set.current === keyId) throw new DataKeyFileError(`${which} key "${keyId}" is current and cannot be retired`);
  if (!set.keys.has(keyId)) throw new DataKeyFileError(`there is no ${which} key "${keyId}"`);
  const keys = new Map(set.keys);
  keys.delete(keyId);
  return { ...ring, [which]: { current: set.current, keys } };
}
