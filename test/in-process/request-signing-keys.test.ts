/**
 * Request-signing keys (platform/auth/keys.ts, request-signature.ts): in production each
 * process reads its own Ed25519 private key from HUB_REQUEST_SIGNING_KEY_FILE and a subgraph
 * the public keys it accepts from HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR (`<signer>.pub.pem`);
 * a key of the wrong kind stops the process at start. A signature verifies only under the
 * name of the process whose key made it. In development each process's pair is made once.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  devRequestSigningPublicKeysDir,
  ensureDevRequestSigningKey,
  loadRequestSigningKey,
  loadRequestSigningPublicKeys,
} from "../../platform/auth/keys";
import {
  createRequestSignatureVerifier,
  createRequestSigner,
  RequestSignatureError,
  type SignableRequest,
} from "../../platform/auth/request-signature";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-signing-keys-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const auth = (extra: { requestSigningKeyFile?: string } = {}) => ({
  issuer: "hub",
  audience: "hub",
  devKeyDir: path.join(dir, "dev-keys"),
  ...extra,
});

function writeKeyPair(name: string, publicDir: string): KeyObject {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  fs.mkdirSync(publicDir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.key.pem`), privateKey.export({ type: "pkcs8", format: "pem" }));
  fs.writeFileSync(path.join(publicDir, `${name}.pub.pem`), publicKey.export({ type: "spki", format: "pem" }));
  return privateKey;
}

function request(signature: string): SignableRequest {
  const headers: Record<string, string> = { "x-hub-signature": signature, authorization: "Bearer t" };
  return { method: "POST", path: "/graphql", body: "{}", headers: (name) => headers[name] };
}
const sign = (signer: string, key: KeyObject) =>
  createRequestSigner(signer, key).sign({
    method: "POST",
    path: "/graphql",
    body: "{}",
    headers: (name) => (name === "authorization" ? "Bearer t" : undefined),
  });

describe("production request-signing keys", () => {
  it("a signature verifies under its own process's name only, with the keys the directory holds", () => {
    const publicDir = path.join(dir, "public");
    writeKeyPair("gateway", publicDir);
    writeKeyPair("shelters", publicDir);
    fs.writeFileSync(path.join(publicDir, "README"), "not a key: ignored");
    const shelters = loadRequestSigningKey(auth({ requestSigningKeyFile: path.join(dir, "shelters.key.pem") }), "x");
    const keys = loadRequestSigningPublicKeys(auth(), publicDir, []);
    expect([...keys.keys()]).toEqual(["gateway", "shelters"]);
    const verifier = createRequestSignatureVerifier(keys);
    expect(verifier.verify(request(sign("shelters", shelters)))).toEqual({
      signer: "shelters",
      nonce: expect.any(String),
    });
    for (const claimed of ["gateway", "victims"])
      expect(() => verifier.verify(request(sign(claimed, shelters)))).toThrow(RequestSignatureError);
    // Nothing was made under the development key directory.
    expect(fs.existsSync(auth().devKeyDir)).toBe(false);
  });

  it("refuses at start a private or public key that is not Ed25519, and a directory without keys", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, "rsa.key.pem"), rsa.privateKey.export({ type: "pkcs8", format: "pem" }));
    expect(() => loadRequestSigningKey(auth({ requestSigningKeyFile: path.join(dir, "rsa.key.pem") }), "x")).toThrow(
      /must be an Ed25519 private key/,
    );
    const publicDir = path.join(dir, "public");
    fs.mkdirSync(publicDir);
    expect(() => loadRequestSigningPublicKeys(auth(), publicDir, [])).toThrow(/holds no <signer>\.pub\.pem/);
    fs.writeFileSync(path.join(publicDir, "gateway.pub.pem"), rsa.publicKey.export({ type: "spki", format: "pem" }));
    expect(() => loadRequestSigningPublicKeys(auth(), publicDir, [])).toThrow(/must be an Ed25519 public key/);
  });
});

describe("development request-signing keys", () => {
  it("are made once per process name, the private half for the owner only, the public half readable", () => {
    const keyDir = auth().devKeyDir;
    const first = ensureDevRequestSigningKey(keyDir, "victims");
    const again = ensureDevRequestSigningKey(keyDir, "victims");
    expect(again.export({ type: "pkcs8", format: "der" })).toEqual(first.export({ type: "pkcs8", format: "der" }));
    expect(fs.statSync(path.join(keyDir, "request-signing", "victims.key.pem")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(devRequestSigningPublicKeysDir(keyDir), "victims.pub.pem")).mode & 0o777).toBe(0o644);
    const keys = loadRequestSigningPublicKeys(auth(), undefined, ["gateway", "victims"]);
    expect([...keys.keys()]).toEqual(["gateway", "victims"]);
    expect(createRequestSignatureVerifier(keys).verify(request(sign("victims", first)))).toEqual({
      signer: "victims",
      nonce: expect.any(String),
    });
    // Another process's pair is another key.
    expect(() => createRequestSignatureVerifier(keys).verify(request(sign("gateway", first)))).toThrow(
      RequestSignatureError,
    );
  });
});
