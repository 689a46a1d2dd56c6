/**
 * Signing keys. In production the hub only verifies, with a configured public key.
 * In development it makes an RS256 key pair on first use and keeps it under the data
 * directory, so demo tokens survive restarts and every process verifies the same way.
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AuthConfig } from "../config";

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

const PRIVATE_FILE = "dev-signing-key.pem";
const PUBLIC_FILE = "dev-signing-key.pub.pem";

/** Returns the development key pair, creating it once (safe when processes race). */
export function ensureDevKeyPair(keyDir: string): KeyPair {
  const privatePath = path.join(keyDir, PRIVATE_FILE);
  if (!fs.existsSync(privatePath)) {
    fs.mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    // Write under a temporary name, then link: of racing processes exactly one wins.
    const staging = path.join(keyDir, `.${PRIVATE_FILE}.${process.pid}`);
    fs.writeFileSync(staging, privateKey, { mode: 0o600 });
    try {
      fs.linkSync(staging, privatePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      fs.rmSync(staging, { force: true });
    }
  }
  const privateKey = fs.readFileSync(privatePath, "utf8");
  // The public half is derived, never stored separately, so it always matches.
  const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  const publicPath = path.join(keyDir, PUBLIC_FILE);
  if (!fs.existsSync(publicPath)) fs.writeFileSync(publicPath, publicKey, { mode: 0o644 });
  return { privateKey, publicKey };
}

/** The public key that verifies callers' tokens. */
export function loadVerificationKey(auth: AuthConfig): string {
  if (auth.publicKeyFile) return fs.readFileSync(auth.publicKeyFile, "utf8");
  return ensureDevKeyPair(auth.devKeyDir).publicKey;
}
