/**
 * Signing keys. In production the hub only verifies, with a configured public key.
 * In development it makes an RS256 key pair on first use and keeps it under the data
 * directory, so demo tokens survive restarts and every process verifies the same way.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AuthConfig } from "../config";

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

const PRIVATE_FILE = "dev-signing-key.pem";
const PUBLIC_FILE = "dev-signing-key.pub.pem";
const SERVICE_SECRET_FILE = "dev-service-secret";
const REQUEST_SIGNING_SECRET_FILE = "dev-request-signing-secret";

/** Writes `make()` to `filePath` unless it exists; of racing processes exactly one wins. */
function writeOnce(filePath: string, make: () => string): string {
  if (!fs.existsSync(filePath)) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
    // Write under a temporary name, then link: linking fails if another process won.
    const staging = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}`);
    fs.writeFileSync(staging, make(), { mode: 0o600 });
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

/** Development only: the secret every hub process (gateway and subgraphs) signs its requests with. */
export function ensureDevRequestSigningSecret(keyDir: string): string {
  return writeOnce(path.join(keyDir, REQUEST_SIGNING_SECRET_FILE), () => randomBytes(48).toString("base64url")).trim();
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

/** The secret that signs and verifies requests between the hub's processes (auth/request-signature.ts). */
export function loadRequestSigningSecret(auth: AuthConfig): string {
  return loadSecret(
    { file: auth.requestSigningSecretFile, devKeyDir: auth.devKeyDir, what: "request-signing secret" },
    ensureDevRequestSigningSecret,
  );
}

/** The public key that verifies callers' tokens. */
export function loadVerificationKey(auth: AuthConfig): string {
  if (auth.publicKeyFile) return fs.readFileSync(auth.publicKeyFile, "utf8");
  return ensureDevKeyPair(auth.devKeyDir).publicKey;
}
