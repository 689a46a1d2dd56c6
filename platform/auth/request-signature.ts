/**
 * Hub request signatures: a subgraph answers only requests that came through the hub.
 * The gateway signs every fetch it makes to a subgraph, and a subgraph signs every
 * question it asks another; a subgraph refuses anything else with HTTP 403 before any
 * GraphQL runs. The signature is an Ed25519 signature over the method, path, a digest of
 * the body, the caller's Authorization header, the hub's own request headers, the signer's
 * name, a timestamp and a nonce, made with the signing process's own private key (each
 * process has one: the gateway and every subgraph, run by different partners). A subgraph
 * verifies it with the public key of the signer the header names, among the processes it
 * accepts, so the signer a request names is the holder of the key that signed it: whoever
 * holds one subgraph's deployment secrets can sign as that subgraph only, never as the
 * gateway or another subgraph. It proves the path a request took, never widens an answer:
 * the caller's own token still decides what it sees.
 *
 * Replays: a signature older than the window is refused, and within it each nonce is
 * accepted once per process (a replica that never saw it would accept it once more
 * within the window; the window is short and the nonce is bound to the same request).
 */
import {
  createHash,
  generateKeyPairSync,
  randomBytes,
  sign as ed25519Sign,
  verify as ed25519Verify,
  type KeyObject,
} from "node:crypto";
import { LRUCache } from "lru-cache";

export const SIGNATURE_HEADER = "x-hub-signature";
/** Hub headers covered by the signature: the request id the gateway made, the grant a fetch asks for (a contract names what it holds), the service. */
export const SIGNED_HEADERS = ["x-request-id", "x-hub-grant", "x-hub-service"] as const;
/** How old (or how far ahead, for clock skew) a signature may be. */
export const SIGNATURE_WINDOW_SECONDS = 30;

// v2: Ed25519 per process (v1 was one HMAC secret all processes shared).
const VERSION = "v2";
const SIGNER = /^[a-z][a-z0-9-]{0,31}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
// An Ed25519 signature is 64 bytes: 86 characters of base64url.
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;

export class RequestSignatureError extends Error {
  constructor() {
    // One message for every failure: which check failed is nothing a caller needs to know.
    super("This service answers the hub only");
    this.name = "RequestSignatureError";
  }
}

/** What a signature covers. `headers` are read by name, lower-case. */
export interface SignableRequest {
  method: string;
  /** Path and query string, as the server sees it (`request.originalUrl`). */
  path: string;
  body: string | Buffer;
  headers: (name: string) => string | undefined;
}

export interface VerifiedRequest {
  /** Who signed: `gateway`, or the name of the subgraph that asked. */
  signer: string;
  /** The signature's nonce: replicas of one subgraph also refuse it once any of them took it (replay-guard.ts). */
  nonce: string;
}

function digest(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("base64url");
}

function canonical(signer: string, timestamp: string, nonce: string, request: SignableRequest): string {
  return [
    `survivor-hub-request-${VERSION}`,
    signer,
    timestamp,
    nonce,
    request.method.toUpperCase(),
    request.path,
    digest(request.headers("authorization") ?? ""),
    ...SIGNED_HEADERS.map((name) => `${name}:${request.headers(name) ?? ""}`),
    digest(request.body),
  ].join("\n");
}

export interface RequestSigner {
  /** The value of the signature header for this request. */
  sign(request: SignableRequest): string;
  /** `headers` (names in lower case) with the signature of a request to `url` added: what every hub client sends. */
  signed(method: string, url: string, body: string | Buffer, headers: Record<string, string>): Record<string, string>;
}

export interface RequestSignatureVerifier {
  /** The signer of a valid, fresh, unreplayed signature; throws RequestSignatureError otherwise. */
  verify(request: SignableRequest): VerifiedRequest;
}

/** Refuses a key that is not Ed25519 (or not of the kind wanted): a mistaken file fails at start, not per request. */
export function requireEd25519(key: KeyObject, kind: "private" | "public", what: string): KeyObject {
  if (key.asymmetricKeyType !== "ed25519" || key.type !== kind)
    throw new Error(`The ${what} must be an Ed25519 ${kind} key`);
  return key;
}

export function createRequestSigner(
  signer: string,
  privateKey: KeyObject,
  now: () => number = Date.now,
): RequestSigner {
  if (!SIGNER.test(signer)) throw new Error(`invalid signer name "${signer}"`);
  requireEd25519(privateKey, "private", `request-signing key of ${signer}`);
  const sign = (request: SignableRequest) => {
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = randomBytes(18).toString("base64url");
    // Ed25519 takes no digest algorithm (null): it hashes the message itself.
    const signature = ed25519Sign(null, Buffer.from(canonical(signer, timestamp, nonce, request)), privateKey).toString(
      "base64url",
    );
    return `${VERSION};signer=${signer};t=${timestamp};n=${nonce};sig=${signature}`;
  };
  return {
    sign,
    signed(method, url, body, headers) {
      const lower: Record<string, string> = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
      );
      const target = new URL(url);
      lower[SIGNATURE_HEADER] = sign({
        method,
        path: target.pathname + target.search,
        body,
        headers: (name) => lower[name],
      });
      return lower;
    },
  };
}

function parseHeader(header: string): { signer: string; timestamp: string; nonce: string; mac: string } | undefined {
  const [version, ...parts] = header.split(";");
  if (version !== VERSION || parts.length !== 4) return undefined;
  const fields = new Map(parts.map((part) => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)]));
  const signer = fields.get("signer");
  const timestamp = fields.get("t");
  const nonce = fields.get("n");
  const mac = fields.get("sig");
  if (
    !signer ||
    !SIGNER.test(signer) ||
    !timestamp ||
    !/^\d{1,12}$/.test(timestamp) ||
    !nonce ||
    !NONCE.test(nonce) ||
    !mac ||
    !SIGNATURE.test(mac)
  )
    return undefined;
  return { signer, timestamp, nonce, mac };
}

/**
 * Verifies with `publicKeys`: signer name → that process's Ed25519 public key, the processes
 * this subgraph accepts requests from. A signer not among them is verified against a key
 * nobody holds, so it costs what a wrong signature costs and fails the same way.
 */
export function createRequestSignatureVerifier(
  publicKeys: ReadonlyMap<string, KeyObject>,
  now: () => number = Date.now,
): RequestSignatureVerifier {
  for (const [signer, key] of publicKeys) {
    if (!SIGNER.test(signer)) throw new Error(`invalid signer name "${signer}"`);
    requireEd25519(key, "public", `request-signing public key of ${signer}`);
  }
  const nobodys = generateKeyPairSync("ed25519").publicKey;
  const seenNonces = new LRUCache<string, true>({ max: 200_000, ttl: 2 * SIGNATURE_WINDOW_SECONDS * 1000 });
  return {
    verify(request) {
      const header = request.headers(SIGNATURE_HEADER);
      const parsed = header ? parseHeader(header) : undefined;
      if (!parsed) throw new RequestSignatureError();
      const age = now() / 1000 - Number(parsed.timestamp);
      if (Math.abs(age) > SIGNATURE_WINDOW_SECONDS) throw new RequestSignatureError();
      // The key is the named signer's own: a signature verifies only for the process that holds its private half.
      // OpenSSL's Ed25519 verification compares in constant time, as timingSafeEqual did for the HMAC.
      const key = publicKeys.get(parsed.signer) ?? nobodys;
      const given = Buffer.from(parsed.mac, "base64url");
      const valid = ed25519Verify(
        null,
        Buffer.from(canonical(parsed.signer, parsed.timestamp, parsed.nonce, request)),
        key,
        given,
      );
      if (!valid || key === nobodys) throw new RequestSignatureError();
      if (seenNonces.has(parsed.nonce)) throw new RequestSignatureError();
      seenNonces.set(parsed.nonce, true);
      return { signer: parsed.signer, nonce: parsed.nonce };
    },
  };
}
