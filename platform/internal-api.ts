/**
 * Service routes between subgraphs: the generic machinery only. A route's contract (its
 * path, request and response types, who answers it, who may ask it, how its request is
 * parsed) lives in `contracts/`, one file per route; this file answers a contract
 * (`answerRoute` + `mountRoute`) and asks one (`ask`).
 *
 * Every question carries the caller's own token (the answering subgraph applies that
 * caller's rules), a service credential (only a hub subgraph may ask) and the hub's
 * request signature, and is answered from the answerer's own database. Nothing is cached
 * across requests, so a withdrawn consent or revoked referral counts on the very next one.
 */
import { randomUUID } from "node:crypto";
import { SpanKind } from "@opentelemetry/api";
import type { Express } from "express";
import { Agent, fetch } from "undici";
import type { DataSource } from "typeorm";
import type { Caller } from "./auth/claims";
import type { RequestSigner } from "./auth/request-signature";
import { SERVICE_CREDENTIAL_HEADER, ServiceCredentialError, type ServiceCredentials } from "./auth/service-credentials";
import { AuthenticationError, type TokenVerifier } from "./auth/tokens";
import { ErrorCode, hubError } from "./errors";
import { sendGraphQLError } from "./http";
import { isUuid } from "./ids";
import type { ErasureScrubber } from "./erasure";
import type { Logger } from "./logger";
import { countFor } from "./request-scope";
import { injectTraceContext, inSpan, noteOnSpan } from "./tracing";

export const MAX_IDS_PER_QUESTION = 1000;
const TIMEOUT_MS = 5000;

/** A request body a route cannot use: answered with HTTP 400 (at parse) or 403 (refused by the answer). */
export class InvalidQuestion extends Error {}

/**
 * What two subgraphs agree on for one route. Names are plain strings here (the platform
 * knows no subgraph); `contracts/route.ts` types them as the hub's subgraph names.
 */
export interface ServiceRoute<Request, Response> {
  path: string;
  /** The subgraphs that answer it (every one, for the audit routes). */
  answeredBy: readonly string[];
  /** The only subgraphs that may ask it (least privilege). */
  askers: readonly string[];
  /** The request as the answerer accepts it; throws InvalidQuestion (400) for anything else. */
  parse(body: unknown): Request;
  /**
   * Whose authority the question is asked on: the caller's (the default: it carries the
   * caller's token, whose rules the answerer applies), or the asking subgraph's own
   * (`asker`: an order such as an erasure, delivered later by a worker with no caller at
   * hand; no token is sent or read, and the answer may reveal nothing a caller could use).
   */
  authority?: "caller" | "asker";
  /** Never set: carries the response type, so `ask` returns it. */
  readonly response?: Response;
}

export function defineRoute<Request, Response>(
  route: ServiceRoute<Request, Response>,
): ServiceRoute<Request, Response> {
  return route;
}

/** The usual request: `{ ids: [...] }`, record ids (anything else is ignored). */
export function idsQuestion(body: unknown): { ids: string[] } {
  const ids: unknown = (body as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || ids.length > MAX_IDS_PER_QUESTION)
    throw new InvalidQuestion(`ids must be an array of at most ${MAX_IDS_PER_QUESTION} ids`);
  return { ids: [...new Set(ids.filter(isUuid))] };
}

/** A route that takes no request: whatever is sent is ignored. */
export function noQuestion(): Record<string, never> {
  return {};
}

/** What an answer is given: a verified caller, asked by a verified subgraph among the route's askers. */
export interface RouteQuestion<Request> {
  caller: Caller;
  request: Request;
  db: DataSource;
  /** The subgraph that asked. */
  asker: string;
  /** The subgraph answering. */
  self: string;
  /**
   * Asks the answerer's peers as the same caller, in the same request: for an answer that must
   * learn a fact from the peer owning it (who may see a person) rather than trust the asker's word.
   */
  asking: AskingContext;
}

/** What an order (a route asked on the asker's own authority) is given: no caller, only the verified asker. */
export interface OrderQuestion<Request> {
  request: Request;
  db: DataSource;
  asker: string;
  self: string;
  /** The request id the asker sent (x-request-id), for the audit entry. */
  requestId: string;
  /** Asks for a scrub of the database files (after an erasure committed). */
  scrub(): void;
}

/** A route and how this subgraph answers it: what a module lists in `routes`. */
export type RouteAnswer =
  | {
      route: ServiceRoute<unknown, unknown>;
      authority?: "caller";
      answer(question: RouteQuestion<unknown>): Promise<unknown>;
    }
  | {
      route: ServiceRoute<unknown, unknown>;
      authority: "asker";
      answer(question: OrderQuestion<unknown>): Promise<unknown>;
    };

export function answerRoute<Request, Response>(
  route: ServiceRoute<Request, Response>,
  answer: (question: RouteQuestion<Request>) => Promise<Response>,
): RouteAnswer {
  if (route.authority === "asker") throw new Error(`${route.path} is an order: answer it with answerOrder`);
  // The parse and the answer are the same route's, so the request type they share holds.
  return { route, answer } as unknown as RouteAnswer;
}

/** Answers a route asked on the asker's own authority (`authority: "asker"`): see ServiceRoute.authority. */
export function answerOrder<Request, Response>(
  route: ServiceRoute<Request, Response>,
  answer: (question: OrderQuestion<Request>) => Promise<Response>,
): RouteAnswer {
  if (route.authority !== "asker") throw new Error(`${route.path} is asked for a caller: answer it with answerRoute`);
  return { route, authority: "asker", answer } as unknown as RouteAnswer;
}

export interface RouteDeps {
  /** The subgraph answering. */
  self: string;
  db: DataSource;
  verifier: TokenVerifier;
  services: ServiceCredentials;
  log: Logger;
  /** How the answer asks this subgraph's peers (`RouteQuestion.asking`). */
  serviceClient: ServiceClient;
  /** Scrubs erased values from the files after an order erased something (platform/erasure.ts). */
  erasureScrubber?: ErasureScrubber;
}

/**
 * Answers `POST route.path` asked by a verified subgraph among the route's askers: the
 * service credential's subject must be one of them AND be the process that signed the
 * request (any other hub process gets 403, as a client does; the signature, checked before
 * by http.ts requireHubSignature, covers the body and is good once). A question is answered
 * for the verified caller whose token it carries; an order (`authority: "asker"`) on the
 * asker's own authority, with no caller at all.
 */
export function mountRoute(app: Express, deps: RouteDeps, routeAnswer: RouteAnswer): void {
  const { route } = routeAnswer;
  if (!route.answeredBy.includes(deps.self))
    throw new Error(`${deps.self} mounts ${route.path}, which only ${route.answeredBy.join(", ")} answer`);
  if ((route.authority === "asker") !== (routeAnswer.authority === "asker"))
    throw new Error(`${route.path}: the answer and the contract disagree on whose authority it is asked`);
  app.post(route.path, async (request, response) => {
    // Who asks: the service credential's subject, one of the route's askers AND the process that signed.
    let asker: string;
    let caller: Caller | undefined;
    try {
      const subject = deps.services.verify(request.header(SERVICE_CREDENTIAL_HEADER));
      if (!route.askers.includes(subject) || response.locals.signer !== subject)
        throw new ServiceCredentialError("This route answers hub subgraphs only");
      asker = subject;
      // An order reads no caller token: one sent with it is ignored, so an order never carries a caller's reach.
      if (routeAnswer.authority !== "asker") caller = deps.verifier.verify(request.header("authorization"));
    } catch (error) {
      if (error instanceof ServiceCredentialError)
        return sendGraphQLError(response, 403, ErrorCode.FORBIDDEN, error.message);
      if (error instanceof AuthenticationError)
        return sendGraphQLError(response, 401, ErrorCode.UNAUTHENTICATED, error.message);
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = route.parse(request.body);
    } catch (error) {
      if (error instanceof InvalidQuestion)
        return sendGraphQLError(response, 400, ErrorCode.BAD_USER_INPUT, error.message);
      throw error;
    }
    const requestId = String(response.locals.requestId ?? "");
    try {
      if (routeAnswer.authority === "asker")
        response.json(
          await routeAnswer.answer({
            request: parsed,
            db: deps.db,
            asker,
            self: deps.self,
            requestId: requestId || (request.header("x-request-id") ?? ""),
            scrub: () => deps.erasureScrubber?.schedule(),
          }),
        );
      else {
        const asking: AskingContext = {
          serviceClient: deps.serviceClient,
          authorization: request.header("authorization") ?? "",
          requestId,
        };
        response.json(
          await routeAnswer.answer({ caller: caller!, request: parsed, db: deps.db, asker, self: deps.self, asking }),
        );
      }
    } catch (error) {
      if (error instanceof InvalidQuestion) return sendGraphQLError(response, 403, ErrorCode.FORBIDDEN, error.message);
      deps.log.error({ err: (error as Error).message, route: route.path }, "internal question failed");
      sendGraphQLError(response, 503, ErrorCode.SERVICE_UNAVAILABLE, "The answer is unavailable");
    }
  });
}

/** How this subgraph reaches the others: their URLs, its credential, its request signer. */
export interface ServiceClient {
  /** The subgraph asking. */
  self: string;
  /** The other subgraphs' /graphql URLs. */
  peers: Readonly<Record<string, string>>;
  services: ServiceCredentials;
  requestSigner: RequestSigner;
}

/** The part of a request context a question needs: the client and the caller it asks for. */
export interface AskingContext {
  serviceClient: ServiceClient;
  authorization: string;
  requestId: string;
}

// Keep-alive connections between subgraphs: these questions come with many fetches.
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });

/**
 * Asks `route` of the subgraph that answers it (`peer` when several do), as the current
 * caller. A peer that is down or does not answer 200 is SERVICE_UNAVAILABLE: the request
 * cannot be checked, so nothing is shown.
 */
export async function ask<Request, Response>(
  context: AskingContext,
  route: ServiceRoute<Request, Response>,
  request: Request,
  peer: string = onlyAnswerer(route),
): Promise<Response> {
  const client = context.serviceClient;
  if (route.authority === "asker") throw new Error(`${route.path} is an order: send it with order()`);
  if (!route.askers.includes(client.self)) throw new Error(`${client.self} may not ask ${route.path}`);
  if (!route.answeredBy.includes(peer)) throw new Error(`${peer} does not answer ${route.path}`);
  countFor("peerQuestions");
  // The span (when tracing is on) names the route, who is asked and how many ids: never which.
  const ids = (request as { ids?: unknown } | null)?.ids;
  return inSpan(
    "service.question",
    { "hub.route": route.path, "hub.peer": peer, ...(Array.isArray(ids) ? { "hub.ids": ids.length } : {}) },
    () => send(context, route, request, peer),
    { kind: SpanKind.CLIENT },
  );
}

async function send<Request, Response>(
  context: AskingContext,
  route: ServiceRoute<Request, Response>,
  request: Request,
  peer: string,
): Promise<Response> {
  const client = context.serviceClient;
  let response: Awaited<ReturnType<typeof fetch>>;
  const url = new URL(route.path, client.peers[peer]);
  const body = JSON.stringify(request);
  const headers = client.requestSigner.signed("POST", url.toString(), body, {
    "content-type": "application/json",
    // An order carries no caller's token at all (not even an empty header).
    ...(context.authorization ? { authorization: context.authorization } : {}),
    [SERVICE_CREDENTIAL_HEADER]: client.services.current(),
    "x-request-id": context.requestId,
  });
  // Unsigned, added after the signature: it changes only where the answer's span hangs (platform/tracing.ts).
  injectTraceContext((name, value) => (headers[name] = value));
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
  noteOnSpan({ "http.response.status_code": response.status });
  if (!response.ok)
    throw hubError(
      ErrorCode.SERVICE_UNAVAILABLE,
      `The ${peer} service could not answer; the request cannot be checked`,
      { serviceName: peer },
    );
  return (await response.json()) as Response;
}

/**
 * Sends an order (`authority: "asker"`) to `peer` on this subgraph's own authority: its
 * service credential and request signature, no caller token. Throws SERVICE_UNAVAILABLE
 * when the peer is down or does not answer 200 (the sender retries).
 */
export async function order<Request, Response>(
  client: ServiceClient,
  route: ServiceRoute<Request, Response>,
  request: Request,
  peer: string,
  requestId: string,
): Promise<Response> {
  if (route.authority !== "asker") throw new Error(`${route.path} is asked for a caller: use ask()`);
  if (!route.askers.includes(client.self)) throw new Error(`${client.self} may not send ${route.path}`);
  if (!route.answeredBy.includes(peer)) throw new Error(`${peer} does not answer ${route.path}`);
  return inSpan(
    "service.order",
    { "hub.route": route.path, "hub.peer": peer },
    () => send({ serviceClient: client, authorization: "", requestId }, route, request, peer),
    { kind: SpanKind.CLIENT },
  );
}

function onlyAnswerer(route: ServiceRoute<unknown, unknown>): string {
  if (route.answeredBy.length !== 1) throw new Error(`${route.path} has several answerers: name the one to ask`);
  return route.answeredBy[0];
}

/**
 * Answers orders in this process, from `db`, as the subgraph `self` would over HTTP: for a
 * job of the hub's own that has both databases open (`npm run retention` on a stopped hub,
 * whose subgraphs cannot be reached) — the route's askers, its parse (of the request as JSON
 * would carry it) and its answer are the same ones; only the transport is left out. The
 * scrub an answer asks for is left to the answering subgraph's next start, which scrubs
 * whatever erasure left unscrubbed (platform/erasure.ts).
 */
export function inProcessOrders(
  answers: readonly RouteAnswer[],
  db: DataSource,
  self: string,
  asker: string,
): <Request, Response>(route: ServiceRoute<Request, Response>, request: Request, peer: string) => Promise<Response> {
  return async <Request, Response>(route: ServiceRoute<Request, Response>, request: Request, peer: string) => {
    if (peer !== self) throw new Error(`${peer} is not answered in this process`);
    if (route.authority !== "asker") throw new Error(`${route.path} is asked for a caller: use ask()`);
    if (!route.askers.includes(asker)) throw new Error(`${asker} may not send ${route.path}`);
    const routeAnswer = answers.find((candidate) => candidate.route.path === route.path);
    if (!routeAnswer || routeAnswer.authority !== "asker") throw new Error(`${self} does not answer ${route.path}`);
    const parsed = routeAnswer.route.parse(JSON.parse(JSON.stringify(request)));
    return (await routeAnswer.answer({
      request: parsed,
      db,
      asker,
      self,
      requestId: randomUUID(),
      scrub: () => undefined,
    })) as Response;
  };
}
