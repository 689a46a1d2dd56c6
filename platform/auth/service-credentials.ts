/**
 * Service-to-service credentials. When a subgraph asks another for a fact it owns (may
 * this caller see that record, what facts do its rules need), it sends the caller's own token — whose record rules the owner applies —
 * and this credential, which proves the question comes from a hub subgraph and not from
 * a client calling the internal route itself. HS256 over a secret only the subgraphs
 * hold, audience and issuer pinned, one minute of lifetime.
 */
import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { ensureDevServiceSecret, loadSecret } from "./keys";

export const SERVICE_CREDENTIAL_HEADER = "x-hub-service";

const ALGORITHM = "HS256" as const;
const AUDIENCE = "survivor-hub-internal";
const ISSUER = "survivor-hub-subgraph";
const LIFETIME_SECONDS = 60;

export class ServiceCredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServiceCredentialError";
  }
}

export interface ServiceCredentials {
  /** A valid credential naming this subgraph (re-signed when half its lifetime has passed). */
  current(): string;
  /** The calling subgraph's name; throws ServiceCredentialError for anything else. */
  verify(header: string | undefined): string;
}

/** The shared secret: from a file in production, generated under the key directory in development. */
export function loadServiceSecret(options: { serviceSecretFile?: string; devKeyDir: string }): string {
  return loadSecret(
    { file: options.serviceSecretFile, devKeyDir: options.devKeyDir, what: "service secret" },
    ensureDevServiceSecret,
  );
}

export function createServiceCredentials(self: string, secretText: string): ServiceCredentials {
  // A key object made once, not on every sign and verify.
  const secret = createSecretKey(Buffer.from(secretText, "utf8"));
  let cached: { token: string; renewAt: number } | undefined;
  return {
    current() {
      const now = Date.now();
      if (!cached || now >= cached.renewAt) {
        const token = jwt.sign({}, secret, {
          algorithm: ALGORITHM,
          audience: AUDIENCE,
          issuer: ISSUER,
          subject: self,
          expiresIn: LIFETIME_SECONDS,
        });
        cached = { token, renewAt: now + (LIFETIME_SECONDS * 1000) / 2 };
      }
      return cached.token;
    },
    verify(header) {
      if (!header) throw new ServiceCredentialError("This route answers hub subgraphs only");
      try {
        const payload = jwt.verify(header, secret, { algorithms: [ALGORITHM], audience: AUDIENCE, issuer: ISSUER });
        if (typeof payload === "string" || typeof payload.sub !== "string" || payload.exp === undefined)
          throw new Error("incomplete");
        return payload.sub;
      } catch {
        throw new ServiceCredentialError("This route answers hub subgraphs only");
      }
    },
  };
}
