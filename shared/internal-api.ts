/**
 * Service-to-service questions between subgraphs ("which of these victims may this
 * caller see, and what are the facts my rules need about them?"). Every question is
 * about a list of victim ids, carries the caller's own token (the owner applies that
 * caller's record rules) and a service credential (only a hub subgraph may ask), and
 * is answered from the owner's own database. Nothing is cached across requests, so a
 * withdrawn consent or revoked referral counts on the very next request.
 */
import express, { type Express } from "express";
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
  if (!Array.isArray(ids) || ids.length > MAX_IDS_PER_QUESTION) throw new InvalidQuestion(`ids must be an array of at most ${MAX_IDS_PER_QUESTION} ids`);
  return [...new Set(ids.filter(isUuid))];
}

/** Answers `POST path` for a verified caller asked by a verified subgraph. */
export function mountInternalRoute<Question, Answer>(
  app: Express,
  deps: InternalRouteDeps,
  path: string,
  parse: (body: unknown) => Question,
  answer: (caller: Caller, question: Question, db: DataSource) => Promise<Answer>,
): void {
  app.post(path, express.json({ limit: "256kb" }), async (request, response) => {
    let caller: Caller;
    try {
      deps.services.verify(request.header(SERVICE_CREDENTIAL_HEADER));
      caller = deps.verifier.verify(request.header("authorization"));
    } catch (error) {
      if (error instanceof ServiceCredentialError) return sendGraphQLError(response, 403, ErrorCode.FORBIDDEN, error.message);
      if (error instanceof AuthenticationError) return sendGraphQLError(response, 401, ErrorCode.UNAUTHENTICATED, error.message);
      throw error;
    }
    let question: Question;
    try {
      question = parse(request.body);
    } catch (error) {
      if (error instanceof InvalidQuestion) return sendGraphQLError(response, 400, ErrorCode.BAD_USER_INPUT, error.message);
      throw error;
    }
    try {
      response.json(await answer(caller, question, deps.db));
    } catch (error) {
      if (error instanceof InvalidQuestion) return sendGraphQLError(response, 403, ErrorCode.FORBIDDEN, error.message);
      deps.log.error({ err: (error as Error).message, route: path }, "internal question failed");
      sendGraphQLError(response, 503, ErrorCode.SERVICE_UNAVAILABLE, "The answer is unavailable");
    }
  });
}

// Keep-alive connections between subgraphs: these questions come with many fetches.
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });

/** Asks subgraph `peer` the question at `path` (`{ ids }` by default), as the current caller. */
export async function askPeer<Answer>(context: SubgraphContext, peer: SubgraphName, path: string, question: unknown): Promise<Answer> {
  let response: Awaited<ReturnType<typeof fetch>>;
  countFor("peerQuestions");
  try {
    response = await fetch(new URL(path, context.peers[peer]).toString(), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: context.authorization,
        [SERVICE_CREDENTIAL_HEADER]: context.services.current(),
        "x-request-id": context.requestId,
      },
      body: JSON.stringify(question),
      dispatcher: agent,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw hubError(ErrorCode.SERVICE_UNAVAILABLE, `The ${peer} service is unavailable; the request cannot be checked`, { serviceName: peer });
  }
  if (!response.ok) throw hubError(ErrorCode.SERVICE_UNAVAILABLE, `The ${peer} service could not answer; the request cannot be checked`, { serviceName: peer });
  return (await response.json()) as Answer;
}
