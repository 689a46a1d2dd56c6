/**
 * Hub request signatures: a subgraph answers only requests that came through the hub.
 * The gateway signs every fetch it makes to a subgraph, and a subgraph signs every
 * question it asks another; a subgraph refuses anything else with HTTP 403 before any
 * GraphQL runs. The signature is an HMAC-SHA256 (as Stripe's and GitHub's webhooks, or
 * AWS SigV4 in miniature) over the method, path, a digest of the body, the caller's
 * Authorization header, the hub's own request headers, a timestamp and a nonce, with a
 * key only the hub's processes hold. It proves the path a request took, never widens an
 * answer: the caller's own token still decides what it sees.
 *
 * Replays: a signature older than the window is refused, and within it each nonce is
 * accepted once per process (a replica that never saw it would accept it once more
 * within the window; the window is short and the nonce is bound to the same request).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { LRUCache } from "lru-cache";

export const SIGNATURE_HEADER = "x-hub-signature";
/** Hub headers covered by the signature: the request id the gateway made, the grant a fetch asks for (a contract names what it holds), the service. */
export const SIGNED_HEADERS = ["x-request-id", "x-hub-grant", "x-hub-service"] as const;
/** How old (or how far ahead, for clock skew) a signature may be. */
export const SIGNATURE_WINDOW_SECONDS = 30;

const VERSION = "v1";
const SIGNER = /^[a-z][a-z0-9-]{0,31}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

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

function keyOf(secretText: string): Buffer {
  // A key of its own, derived from the secret, so the secret's other uses never share one.
  return createHmac("sha256", secretText).update("survivor-hub request signature").digest();
}

export function createRequestSigner(signer: string, secretText: string, now: () => number = Date.now): RequestSigner {
  if (!SIGNER.test(signer)) throw new Error(`invalid signer name "${signer}"`);
  const key = keyOf(secretText);
  const sign = (request: SignableRequest) => {
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = randomBytes(18).toString("base64url");
    const mac = createHmac("sha256", key)
      .update(canonical(signer, timestamp, nonce, request))
      .digest("base64url");
    return `${VERSION};signer=${signer};t=${timestamp};n=${nonce};sig=${mac}`;
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

export function createRequestSignatureVerifier(
  secretText: string,
  now: () => number = Date.now,
): RequestSignatureVerifier {
  const key = keyOf(secretText);
  const seenNonces = new LRUCache<string, true>({ max: 200_000, ttl: 2 * SIGNATURE_WINDOW_SECONDS * 1000 });
  return {
    verify(request) {
      const header = request.headers(SIGNATURE_HEADER);
      const parsed = header ? parseHeader(header) : undefined;
      if (!parsed) throw new RequestSignatureError();
      const age = now() / 1000 - Number(parsed.timestamp);
      if (Math.abs(age) > SIGNATURE_WINDOW_SECONDS) throw new RequestSignatureError();
      const expected = createHmac("sha256", key)
        .update(canonical(parsed.signer, parsed.timestamp, parsed.nonce, request))
        .digest();
      const given = Buffer.from(parsed.mac, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new RequestSignatureError();
      if (seenNonces.has(parsed.nonce)) throw new RequestSignatureError();
      seenNonces.set(parsed.nonce, true);
      return { signer: parsed.signer };
    },
  };
}
