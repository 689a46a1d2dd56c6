/**
 * Verified tokens are cached until they expire (platform/auth/tokens.ts): a cached token is
 * refused from the moment jsonwebtoken would refuse it, a token signed by another key is
 * never accepted through the cache, what fails is never cached, and the caller is the one
 * an uncached verification gives.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { AuthenticationError, callerFromClaims, createTokenVerifier } from "../../platform/auth/tokens";

const auth = { issuer: "hub", audience: "hub", devKeyDir: "/nonexistent", clockToleranceSeconds: 5 };

function keyPair(): { privateKey: KeyObject; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, pem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

const mine = keyPair();
const other = keyPair();

function tokenOf(privateKey: KeyObject, claims: Record<string, unknown>, options: jwt.SignOptions = {}): string {
  return jwt.sign(claims, privateKey, {
    algorithm: "RS256",
    issuer: "hub",
    audience: "hub",
    subject: "user-1",
    ...options,
  });
}

/** A clock the test moves (ms). */
function clock(start: number) {
  let at = start;
  return { now: () => at, set: (ms: number) => void (at = ms) };
}

const T0 = 1_900_000_000_000; // a fixed instant, whole seconds
const embassy = { org: "embassy-PH", role: "embassy", country: "PH" };

describe("verified tokens are cached until they expire", () => {
  afterEach(() => jest.restoreAllMocks());

  it("returns the same caller as an uncached verification, verifying the signature once", () => {
    const time = clock(T0);
    const token = tokenOf(mine.privateKey, { ...embassy, exp: T0 / 1000 + 3600 });
    const verify = jest.spyOn(jwt, "verify");
    const verifier = createTokenVerifier(auth, mine.pem, { now: time.now });
    const first = verifier.verify(`Bearer ${token}`);
    const second = verifier.verify(`Bearer ${token}`);
    expect(verify).toHaveBeenCalledTimes(1);
    const expected = callerFromClaims({ sub: "user-1", ...embassy });
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    expect(createTokenVerifier(auth, mine.pem, { now: time.now }).verify(`Bearer ${token}`)).toEqual(expected);
    // A copy each time: one request changing its caller changes nobody else's.
    first.org = "gov-mdt";
    expect(verifier.verify(`Bearer ${token}`).org).toBe("embassy-PH");
  });

  it("refuses a cached token from the second jsonwebtoken would (exp + clock tolerance), never later", () => {
    const exp = T0 / 1000 + 60;
    const token = tokenOf(mine.privateKey, { ...embassy, exp });
    const time = clock(T0);
    const cached = createTokenVerifier(auth, mine.pem, { now: time.now });
    expect(cached.verify(`Bearer ${token}`).org).toBe("embassy-PH");
    // Every half second around the expiry: the cached verifier agrees with a fresh one.
    for (let ms = (exp - 2) * 1000; ms <= (exp + auth.clockToleranceSeconds + 2) * 1000; ms += 500) {
      time.set(ms);
      const fresh = createTokenVerifier(auth, mine.pem, { now: time.now });
      const outcome = (verifier: typeof fresh) => {
        try {
          return verifier.verify(`Bearer ${token}`).org;
        } catch (error) {
          return (error as Error).message;
        }
      };
      expect({ ms, cached: outcome(cached) }).toEqual({ ms, cached: outcome(fresh) });
    }
    time.set((exp + auth.clockToleranceSeconds) * 1000);
    expect(() => cached.verify(`Bearer ${token}`)).toThrow("Invalid token: the token has expired");
    time.set((exp + auth.clockToleranceSeconds) * 1000 - 1);
    // The refusal is not cached either: a clock set back within its time verifies it anew.
    expect(cached.verify(`Bearer ${token}`).org).toBe("embassy-PH");
  });

  it("refuses a short-lived token on the real clock once it has expired, though it was cached", async () => {
    const token = tokenOf(mine.privateKey, embassy, { expiresIn: 1 });
    const verifier = createTokenVerifier({ ...auth, clockToleranceSeconds: 0 }, mine.pem);
    expect(verifier.verify(`Bearer ${token}`).org).toBe("embassy-PH");
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(() => verifier.verify(`Bearer ${token}`)).toThrow(/expired/);
  });

  it("never accepts a token signed by another key through the cache", () => {
    const time = clock(T0);
    const claims = { ...embassy, exp: T0 / 1000 + 3600 };
    const genuine = tokenOf(mine.privateKey, claims);
    const forged = tokenOf(other.privateKey, claims);
    const verifier = createTokenVerifier(auth, mine.pem, { now: time.now });
    expect(verifier.verify(`Bearer ${genuine}`).org).toBe("embassy-PH");
    // The same claims, another key; and the genuine header and claims with the other key's signature.
    const [header, payload] = genuine.split(".");
    const spliced = `${header}.${payload}.${forged.split(".")[2]}`;
    for (const token of [forged, spliced, forged, spliced])
      expect(() => verifier.verify(`Bearer ${token}`)).toThrow("Invalid token: the token's signature does not verify");
    // A token cached by one verifier means nothing to a verifier of another key.
    const others = createTokenVerifier(auth, other.pem, { now: time.now });
    expect(() => others.verify(`Bearer ${genuine}`)).toThrow(AuthenticationError);
    expect(verifier.verify(`Bearer ${genuine}`).org).toBe("embassy-PH");
  });

  it("caches nothing that failed: a refused token is verified, and refused, every time", () => {
    const time = clock(T0);
    const verify = jest.spyOn(jwt, "verify");
    const verifier = createTokenVerifier(auth, mine.pem, { now: time.now });
    const wrongAudience = tokenOf(mine.privateKey, { ...embassy, exp: T0 / 1000 + 3600 }, { audience: "elsewhere" });
    const crossedClaims = tokenOf(mine.privateKey, {
      org: "embassy-KE",
      role: "embassy",
      country: "PH",
      exp: T0 / 1000 + 3600,
    });
    for (let round = 0; round < 2; round += 1) {
      expect(() => verifier.verify(`Bearer ${wrongAudience}`)).toThrow("meant for another audience");
      expect(() => verifier.verify(`Bearer ${crossedClaims}`)).toThrow(/embassy token's `org`/);
    }
    expect(verify).toHaveBeenCalledTimes(4);
  });

  it("refuses a token not valid yet, and accepts it from its nbf (less the tolerance) on", () => {
    const time = clock(T0);
    const nbf = T0 / 1000 + 60;
    const token = tokenOf(mine.privateKey, { ...embassy, nbf, exp: nbf + 3600 });
    const verifier = createTokenVerifier(auth, mine.pem, { now: time.now });
    expect(() => verifier.verify(`Bearer ${token}`)).toThrow("not valid yet");
    time.set((nbf - auth.clockToleranceSeconds) * 1000);
    expect(verifier.verify(`Bearer ${token}`).org).toBe("embassy-PH");
    // A clock set back before it: refused again, not served from the cache.
    time.set(T0);
    expect(() => verifier.verify(`Bearer ${token}`)).toThrow("not valid yet");
  });
});
