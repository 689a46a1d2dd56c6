/**
 * Keys. Tokens: in production the hub only verifies, with a configured public key; in
 * development it makes an RS256 key pair on first use and keeps it under the data
 * directory, so demo tokens survive restarts and every process verifies the same way.
 * Request signatures (request-signature.ts): each hub process signs with an Ed25519 key of
 * its own and a subgraph verifies with the public keys of the processes it accepts — in
 * production from files the operator gives, in development made once per process name
 * under the key directory.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AuthConfig } from "../config";
import { requireEd25519 } from "./request-signature";

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

const PRIVATE_FILE = "dev-signing-key.pem";
const PUBLIC_FILE = "dev-signing-key.pub.pem";
const SERVICE_SECRET_FILE = "dev-service-secret";
const METRICS_TOKEN_FILE = "dev-metrics-token";
/** Development: `<name>.key.pem` (private) here, `public/<name>.pub.pem` beside (what HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR holds in production). */
const REQUEST_SIGNING_DIR = "request-signing";
export const PUBLIC_KEY_SUFFIX = ".pub.pem";
const SIGNER_FILE = /^([a-z][a-z0-9-]{0,31})\.pub\.pem$/;

/** Writes `make()` to `filePath` unless it exists; of racing processes exactly one wins. */
export function writeOnce(filePath: string, make: () => string, mode = 0o600): string {
  if (!fs.existsSync(filePath)) {
    // A public file's directory is readable too (it is mounted as it is: docker-compose.yml).
    fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: mode === 0o600 ? 0o700 : 0o755 });
    // Write under a temporary name, then link: linking fails if another process won.
    const staging = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}`);
    fs.writeFileSync(staging, make(), { mode });
    try {
      fs.linkSync(staging, filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      fs.rmSync(staging, { force: true });
    }
  }
  return fs.readFileSync(filePath, "utf8");
}

/** Returns the development key pair, creating it once (safe when processes race). */
export function ensureDevKeyPair(keyDir: string): KeyPair {
  const privateKey = writeOnce(
    path.join(keyDir, PRIVATE_FILE),
    () =>
      generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      }).privateKey,
  );
  // The public half is derived, never stored separately, so it always matches.
  const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  const publicPath = path.join(keyDir, PUBLIC_FILE);
  if (!fs.existsSync(publicPath)) fs.writeFileSync(publicPath, publicKey, { mode: 0o644 });
  return { privateKey, publicKey };
}

/** Development only: the secret the subgraphs share for service-to-service calls. */
export function ensureDevServiceSecret(keyDir: string): string {
  return writeOnce(path.join(keyDir, SERVICE_SECRET_FILE), () => randomBytes(48).toString("base64url")).trim();
}

/**
 * Development only: a metrics token for docker-compose.yml's containers (production settings, where
 * /metrics needs one). `npm start` itself leaves /metrics open in development and reads none.
 */
export function ensureDevMetricsToken(keyDir: string): string {
  return writeOnce(path.join(keyDir, METRICS_TOKEN_FILE), () => randomBytes(32).toString("base64url")).trim();
}

/** Development only: where the processes' public request-signing keys are kept (`<name>.pub.pem`). */
export function devRequestSigningPublicKeysDir(keyDir: string): string {
  return path.join(keyDir, REQUEST_SIGNING_DIR, "public");
}

/** Development only: the file of the hub process `name`'s private request-signing key. */
export function devRequestSigningKeyFile(keyDir: string, name: string): string {
  return path.join(keyDir, REQUEST_SIGNING_DIR, `${name}.key.pem`);
}

/** Development only: the request-signing key of the hub process `name`, made once (safe when processes race), and its public half beside. */
export function ensureDevRequestSigningKey(keyDir: string, name: string): KeyObject {
  if (!SIGNER_FILE.test(`${name}${PUBLIC_KEY_SUFFIX}`)) throw new Error(`invalid signer name "${name}"`);
  const privatePem = writeOnce(devRequestSigningKeyFile(keyDir, name), () =>
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  );
  const privateKey = createPrivateKey(privatePem);
  // Derived from the private half, so the two always match.
  writeOnce(
    path.join(devRequestSigningPublicKeysDir(keyDir), `${name}${PUBLIC_KEY_SUFFIX}`),
    () => createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString(),
    // Public: readable by whoever verifies (a container's user, docker-compose.yml).
    0o644,
  );
  return privateKey;
}

/** Development only: the public request-signing key of the hub process `name` (its pair made if absent). */
export function devRequestSigningPublicKey(keyDir: string, name: string): KeyObject {
  return createPublicKey(ensureDevRequestSigningKey(keyDir, name));
}

const MIN_SECRET_LENGTH = 32;

/** A secret from a file (production) or made once under the key directory (development), at least 32 characters. */
export function loadSecret(
  options: { file?: string; devKeyDir: string; what: string },
  makeDev: (keyDir: string) => string,
): string {
  const secret = options.file ? fs.readFileSync(options.file, "utf8").trim() : makeDev(options.devKeyDir);
  if (secret.length < MIN_SECRET_LENGTH)
    throw new Error(`The ${options.what} must be at least ${MIN_SECRET_LENGTH} characters long`);
  return secret;
}

/** This process's own request-signing key: from HUB_REQUEST_SIGNING_KEY_FILE (production) or made once for `name` (development). */
export function loadRequestSigningKey(auth: AuthConfig, name: string): KeyObject {
  const key = auth.requestSigningKeyFile
    ? createPrivateKey(fs.readFileSync(auth.requestSigningKeyFile, "utf8"))
    : ensureDevRequestSigningKey(auth.devKeyDir, name);
  return requireEd25519(key, "private", "request-signing key (HUB_REQUEST_SIGNING_KEY_FILE)");
}

/**
 * The public keys of the hub processes this one accepts requests from, by signer name.
 * Production: every `<signer>.pub.pem` in HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR — what the
 * operator put there is who is accepted. Development: the pairs of `devSigners` (made
 * once under the key directory if absent).
 */
export function loadRequestSigningPublicKeys(
  auth: AuthConfig,
  publicKeysDir: string | undefined,
  devSigners: readonly string[],
): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  if (!publicKeysDir) {
    for (const name of devSigners) keys.set(name, devRequestSigningPublicKey(auth.devKeyDir, name));
    return keys;
  }
  for (const file of fs.readdirSync(publicKeysDir).sort()) {
    const signer = SIGNER_FILE.exec(file)?.[1];
    if (!signer) continue;
    const key = createPublicKey(fs.readFileSync(path.join(publicKeysDir, file), "utf8"));
    keys.set(signer, requireEd25519(key, "public", `request-signing public key ${file}`));
  }
  if (keys.size === 0)
    throw new Error(`HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR holds no <signer>${PUBLIC_KEY_SUFFIX} file`);
  return keys;
}

/** The public key that verifies callers' tokens. */
export function loadVerificationKey(auth: AuthConfig): string {
  if (auth.publicKeyFile) return fs.readFileSync(auth.publicKeyFile, "utf8");
  return ensureDevKeyPair(auth.devKeyDir).publicKey;
}
