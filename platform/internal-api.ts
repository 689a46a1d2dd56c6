/**
 * Service-to-service questions between subgraphs ("which of these victims may this
 * caller see, and what are the facts my rules need about them?"). Every question is
 * about a list of victim ids, carries the caller's own token (the owner applies that
 * caller's record rules) and a service credential (only a hub subgraph may ask), and
 * is answered from the owner's own database. Nothing is cached across requests, so a
 * withdrawn consent or revoked referral counts on the very next request.
 */
import type { Express } from "express";
import { Agent, fetch } from "undici";
import type { DataSource } from "typeorm";
import type { Caller } from "./auth/claims";
import { SERVICE_CREDENTIAL_HEADER, ServiceCredentialError, type ServiceCredentials } from "./auth/service-credentials";
import { AuthenticationError, type TokenVerifier } from "./auth/tokens";
import type { SubgraphName } from "./config";
import type { SubgraphContext } from "./context";
import { ErrorCode, hubError } from "./errors";
import { sendGraphQLError } from "./http";
import { isUuid } from "./ids";
import type { Logger } from "./logger";
import { countFor } from "./request-scope";

export const MAX_IDS_PER_QUESTION = 1000;
const TIMEOUT_MS = 5000;

export interface InternalRouteDeps {
  db: DataSource;
  verifier: TokenVerifier;
  services: ServiceCredentials;
  log: Logger;
}

/** A request body a route cannot use: answered with HTTP 400 and this message. */
export class InvalidQuestion extends Error {}

/** The usual question: `{ ids: [...] }`, victim ids (anything else is ignored). */
export function victimIdsQuestion(body: unknown): string[] {
  const ids: unknown = (body as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || ids.length > MAX_IDS_PER_QUESTION)
    throw new InvalidQuestion(`ids must be an array of at most ${MAX_IDS_PER_QUESTION} ids`);
  return [...new Set(ids.filter(isUuid))];
}

/** An internal route: where it answers, and the only subgraphs that may ask it (least privilege). */
export interface InternalRoute {
  path: string;
  askers: readonly SubgraphName[];
}

/**
 * Answers `POST route.path` for a verified caller asked by a verified subgraph among
 * `route.askers` (any other hub process gets 403, as a client does). The request has
 * passed the hub signature already (http.ts requireHubSignature).
 */
export function mountInternalRoute<Question, Answer>(
  app: Express,
  deps: InternalRouteDeps,
  route: InternalRoute,
  parse: (body: unknown) => Question,
  answer: (caller: Caller, question: Question, db: DataSource, asker: SubgraphName) => Promise<Answer>,
): void {
  app.post(route.path, async (request, response) => {
    let caller: Caller;
    let asker: SubgraphName;
    try {
      const subject = deps.services.verify(request.header(SERVICE_CREDENTIAL_HEADER));
      if (!(route.askers as readonly string[]).includes(subject) || response.locals.signer !== subject)
        throw new ServiceCredentialError("This route answers hub subgraphs only");
      asker = subject as SubgraphName;
      caller = deps.verifier.verify(request.header("authorization"));
    } catch (error) {
      if (error instanceof ServiceCredentialError)
        return sendGraphQLError(response, 403, ErrorCode.FORBIDDEN, error.message);
      if (error instanceof AuthenticationError)
        return sendGraphQLError(response, 401, ErrorCode.UNAUTHENTICATED, error.message);
      throw error;
    }
    let question: Question;
    try {
      question = parse(request.body);
    } catch (error) {
      if (error instanceof InvalidQuestion)
        return sendGraphQLError(response, 400, ErrorCode.BAD_USER_INPUT, error.message);
      throw error;
    }
    try {
      response.json(await answer(caller, question, deps.db, asker));
    } catch (error) {
      if (error instanceof InvalidQuestion) return sendGraphQLError(response, 403, ErrorCode.FORBIDDEN, error.message);
      deps.log.error({ err: (error as Error).message, route: route.path }, "internal question failed");
      sendGraphQLError(response, 503, ErrorCode.SERVICE_UNAVAILABLE, "The answer is unavailable");
    }
  });
}

// Keep-alive connections between subgraphs: these questions come with many fetches.
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });

/** Asks subgraph `peer` the question at `path` (`{ ids }` by default), as the current caller. */
export async function askPeer<Answer>(
  context: SubgraphContext,
  peer: SubgraphName,
  path: string,
  question: unknown,
): Promise<Answer> {
  let response: Awaited<ReturnType<typeof fetch>>;
  countFor("peerQuestions");
  const url = new URL(path, context.peers[peer]);
  const body = JSON.stringify(question);
  const headers = context.requestSigner.signed("POST", url.toString(), body, {
    "content-type": "application/json",
    authorization: context.authorization,
    [SERVICE_CREDENTIAL_HEADER]: context.services.current(),
    "x-request-id": context.requestId,
  });
  try {
    response = await fetch(url.toString(), {
      method: "POST",
      headers,
      body,
      dispatcher: agent,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw hubError(ErrorCode.SERVICE_UNAVAILABLE, `The ${peer} service is unavailable; the request cannot be checked`, {
      serviceName: peer,
    });
  }
  if (!response.ok)
    throw hubError(
      ErrorCode.SERVICE_UNAVAILABLE,
      `The ${peer} service could not answer; the request cannot be checked`,
      { serviceName: peer },
    );
  return (await response.json()) as Answer;
}
