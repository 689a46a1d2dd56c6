/**
 * The portal's one way to the hub: POST /graphql naming a trusted document by its id
 * (the generated documents carry only their SHA-256), with the officer's token, which lives
 * in this module's memory only — never in localStorage, sessionStorage or a cookie.
 */
import type { TypedDocumentString } from "./generated/graphql";

let token: string | undefined;

export const signIn = (bearer: string) => {
  token = bearer.trim().replace(/^Bearer\s+/i, "");
};
export const signOut = () => {
  token = undefined;
};
export const signedIn = () => token !== undefined;

/** What went wrong, in words an officer can act on; the code stays visible for the helpdesk. */
const WORDS: Record<string, string> = {
  UNAUTHENTICATED: "Your token is missing, invalid or expired. Sign in again with a new one.",
  FORBIDDEN: "Your embassy may not do this.",
  NOT_FOUND: "This record does not exist or is not visible to your embassy (for example, consent was withdrawn).",
  CONSENT_REQUIRED: "The survivor has not given (or has withdrawn) consent for this. Ask the case owner.",
  CONFLICT: "Someone changed this record in the meantime. The list has been reloaded: check it and try again.",
  INVALID_TRANSITION: "This step is not possible in the case's current state.",
  BAD_USER_INPUT: "Some of what you entered is not valid.",
  RATE_LIMITED: "Too many requests from your embassy. Wait a minute and try again.",
  PERSISTED_QUERY_NOT_FOUND: "This portal's operations are not registered for your embassy. Ask the hub's operator.",
  UNAUTHORIZED_FIELD_OR_TYPE: "The portal asked for something your role may not read. Ask the hub's operator.",
};

export class HubError extends Error {
  constructor(
    readonly code: string,
    detail?: string,
  ) {
    const words = WORDS[code] ?? "The hub could not do this.";
    super(code === "BAD_USER_INPUT" && detail ? `${words} ${detail}` : `${words} (${code})`);
  }
}

interface Answer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function request<T, V>(document: TypedDocumentString<T, V>, variables: V): Promise<T> {
  const hash = (document as unknown as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!hash) throw new Error("a generated document without its id: run `npm run codegen`");
  if (!token) throw new HubError("UNAUTHENTICATED");
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ documentId: hash, variables }),
    credentials: "omit",
    cache: "no-store",
  });
  let answer: Answer<T>;
  try {
    answer = (await response.json()) as Answer<T>;
  } catch {
    throw new HubError(response.status === 429 ? "RATE_LIMITED" : `HTTP_${response.status}`);
  }
  const first = answer.errors?.[0];
  if (first) throw new HubError(first.extensions?.code ?? `HTTP_${response.status}`, first.message);
  if (!answer.data) throw new HubError(`HTTP_${response.status}`);
  return answer.data;
}
