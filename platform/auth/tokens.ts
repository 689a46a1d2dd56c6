/**
 * Bearer-token verification into a typed Caller, and minting of development tokens.
 * Issuer, audience and algorithm are pinned: RS256 only, so `alg: none` and
 * HS256-signed-with-the-public-key (algorithm confusion) are refused by construction.
 */
import { createHash, createPublicKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { LRUCache } from "lru-cache";
import { type AuthConfig, DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS } from "../config";
import { type Caller, isRole, type Role } from "./claims";
import { ensureDevKeyPair } from "./keys";

export const TOKEN_ALGORITHM = "RS256" as const;

/** A request that may not proceed: answered with HTTP 401 and this message. */
export class AuthenticationError extends Error {
  readonly status = 401;
  constructor(message: string) {
    super(message);
    this.name = "AuthenticationError";
  }
}

export interface TokenVerifier {
  verify(authorizationHeader: string | undefined): Caller;
}

const COUNTRY_CODE = /^[A-Z]{2}$/;

function describeJwtError(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return "the token has expired";
  if (error instanceof jwt.NotBeforeError) return "the token is not valid yet";
  if (error instanceof jwt.JsonWebTokenError) {
    if (error.message.startsWith("jwt issuer invalid"))
      return "the token was issued by an issuer this hub does not trust";
    if (error.message.startsWith("jwt audience invalid")) return "the token is meant for another audience";
    if (error.message === "invalid algorithm") return "the token is signed with an algorithm this hub does not accept";
    if (error.message === "invalid signature") return "the token's signature does not verify";
    if (error.message === "jwt signature is required") return "the token is not signed";
    return "the token is malformed";
  }
  return "the token could not be verified";
}

/** Turns verified claims into a Caller, insisting on what each role needs. */
export function callerFromClaims(payload: jwt.JwtPayload): Caller {
  const { sub, org, role, country, shelter } = payload as Record<string, unknown>;
  if (typeof sub !== "string" || sub === "") throw new AuthenticationError("Invalid token: the `sub` claim is missing");
  if (typeof org !== "string" || org === "") throw new AuthenticationError("Invalid token: the `org` claim is missing");
  if (!isRole(role)) throw new AuthenticationError("Invalid token: the `role` claim is missing or not a known role");
  const caller: Caller = { sub, org, role };
  if (role === "embassy") {
    if (typeof country !== "string" || !COUNTRY_CODE.test(country)) {
      throw new AuthenticationError("Invalid token: an embassy token needs a `country` claim (ISO 3166-1 alpha-2)");
    }
    // The hub names an embassy's organisation after its country (embassy-PH): a token
    // naming one country in `org` and another in `country` is refused, as for shelters.
    if (org !== `embassy-${country}`)
      throw new AuthenticationError(
        "Invalid token: an embassy token's `org` must be `embassy-` and its `country` claim",
      );
    caller.country = country;
  }
  if (role === "shelter") {
    if (typeof shelter !== "string" || shelter === "") {
      throw new AuthenticationError("Invalid token: a shelter token needs a `shelter` claim");
    }
    // A shelter's organisation is the shelter: two claims that could disagree about one
    // fact would let rules that read one or the other cross shelters.
    if (shelter !== org)
      throw new AuthenticationError(
        "Invalid token: a shelter token's `org` and `shelter` claims must name the same shelter",
      );
    caller.shelter = shelter;
  }
  return caller;
}

/** How many verified tokens a verifier remembers (each until it expires); the least recently used go first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export interface TokenVerifierOptions {
  /** The clock in milliseconds (tests); the token's `exp` and `nbf` are judged by it, verified or cached. */
  now?: () => number;
  cacheSize?: number;
}

/** A verified token: its caller, and the span (in ms, clock tolerance included) in which jsonwebtoken would accept it. */
interface VerifiedToken {
  caller: Caller;
  validFromMs: number;
  validUntilMs: number;
}

/**
 * Verifies bearer tokens. A token that verified is remembered (under a SHA-256 of it, so the
 * cache holds no bearer token) with its caller until it expires — exactly as long as
 * jsonwebtoken would still accept it under the configured clock tolerance, never longer —
 * so the same token on the next request costs a hash and a lookup instead of an RS256
 * verification. Only what verified is remembered: a token that fails is verified (and
 * refused) every time, and a different token (another signature, another key) is another key.
 */
export function createTokenVerifier(
  auth: AuthConfig,
  publicKeyPem: string,
  options: TokenVerifierOptions = {},
): TokenVerifier {
  // Parsed once: jsonwebtoken would otherwise parse the PEM on every request (measured: ~5% of a subgraph's CPU).
  const publicKey = createPublicKey(publicKeyPem);
  const now = options.now ?? Date.now;
  const clockTolerance = auth.clockToleranceSeconds ?? DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS;
  const verified = new LRUCache<string, VerifiedToken>({ max: options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE });

  function verifyToken(token: string, at: number): VerifiedToken {
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, publicKey, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: auth.issuer,
        audience: auth.audience,
        clockTolerance,
        clockTimestamp: Math.floor(at / 1000),
      });
    } catch (error) {
      throw new AuthenticationError(`Invalid token: ${describeJwtError(error)}`);
    }
    if (typeof payload === "string") throw new AuthenticationError("Invalid token: the token is malformed");
    if (payload.exp === undefined) throw new AuthenticationError("Invalid token: the token has no expiry (`exp`)");
    // jsonwebtoken refuses when floor(now / 1000) >= exp + tolerance, or < nbf - tolerance.
    return {
      caller: callerFromClaims(payload),
      validFromMs: payload.nbf === undefined ? -Infinity : Math.ceil(payload.nbf - clockTolerance) * 1000,
      validUntilMs: Math.ceil(payload.exp + clockTolerance) * 1000,
    };
  }

  return {
    verify(authorizationHeader) {
      if (!authorizationHeader)
        throw new AuthenticationError("Authentication required: send `Authorization: Bearer <token>`");
      const match = /^Bearer\s+(\S+)$/i.exec(authorizationHeader.trim());
      if (!match) throw new AuthenticationError("Invalid Authorization header: expected `Bearer <token>`");
      const token = match[1];
      const key = createHash("sha256").update(token).digest("base64url");
      const at = now();
      let entry = verified.get(key);
      if (entry && !(at >= entry.validFromMs && at < entry.validUntilMs)) {
        // Expired (or, on a clock set back, not valid yet): verified again, which says why it is refused.
        verified.delete(key);
        entry = undefined;
      }
      if (!entry) {
        entry = verifyToken(token, at);
        verified.set(key, entry);
      }
      // A copy: no request can change the caller another request is given.
      return { ...entry.caller };
    },
  };
}

export interface DevTokenRequest {
  role: Role;
  org?: string;
  sub?: string;
  country?: string;
  shelter?: string;
  /** Lifetime, e.g. "12h" or seconds. */
  ttl?: string | number;
}

/** Default organisation for a persona, so `--role embassy --country PH` is enough. */
export function defaultOrg(request: DevTokenRequest): string {
  switch (request.role) {
    case "government":
      return "gov-mdt";
    case "ngo":
      return "ngo-lighthouse";
    case "shelter":
      return request.shelter ?? "shelter-maesot-1";
    case "embassy":
      return `embassy-${request.country ?? "XX"}`;
    case "repatriation":
      return "repatriation-agency";
    case "auditor":
      return "oversight-board";
  }
}

/** Signs a development token with the hub's development key. Never used in production. */
export function signDevToken(auth: AuthConfig, request: DevTokenRequest): string {
  const { privateKey } = ensureDevKeyPair(auth.devKeyDir);
  const org = request.org ?? defaultOrg(request);
  const claims: Record<string, string> = { org, role: request.role };
  if (request.country) claims.country = request.country;
  if (request.shelter) claims.shelter = request.shelter;
  return jwt.sign(claims, privateKey, {
    algorithm: TOKEN_ALGORITHM,
    issuer: auth.issuer,
    audience: auth.audience,
    subject: request.sub ?? `${org}-user`,
    expiresIn: (request.ttl ?? "12h") as jwt.SignOptions["expiresIn"],
  });
}
