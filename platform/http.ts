/**
 * HTTP plumbing shared by the gateway and the subgraphs: request ids, JSON errors for
 * requests refused before GraphQL runs, health and readiness routes.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Express } from "express";
import pinoHttp from "pino-http";
import { RequestSignatureError, type RequestSignatureVerifier } from "./auth/request-signature";
import type { ReplayGuard } from "./auth/replay-guard";
import { AuthenticationError, type TokenVerifier } from "./auth/tokens";
import type { Logger } from "./logger";
import { ErrorCode } from "./errors";
import { countError } from "./metrics";
import { INSTANCE_NONCE_HEADER, INSTANCE_NONCE_VARIABLE } from "./instance-nonce";
import { requestScope } from "./request-scope";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * An express app as every hub process serves: no `x-powered-by`, and no ETag — every answer
 * is `no-store`, so nothing revalidates, and express would hash each answer (SHA-1 of ~30 KB
 * for a dashboard page) to make one.
 */
export function createHttpApp(): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  return app;
}

/**
 * The request's id. The gateway always makes its own: a client's `x-request-id` binds
 * nothing (grants are bound to the id). A subgraph takes the gateway's,
 * which the request signature covers; an unsigned request is refused before it counts.
 */
export function requestIdOf(request: Request, upstream: "trusted" | "ignored"): string {
  const given = upstream === "trusted" ? request.header("x-request-id") : undefined;
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Gives the request its id (`res.locals.requestId`, the `x-request-id` answer header); the
 * request context carries it on. With `countedPerRequest` (diagnostic counters per request,
 * never in production) the rest of the request runs in a scope that counts its SQL
 * statements and questions (request-scope.ts); without, no AsyncLocalStorage is entered.
 */
export function withRequestId(upstream: "trusted" | "ignored", countedPerRequest = false): RequestHandler {
  return (request, response, next) => {
    const requestId = requestIdOf(request, upstream);
    response.locals.requestId = requestId;
    response.setHeader("x-request-id", requestId);
    if (countedPerRequest) requestScope.run({ requestId, sqlStatements: 0, peerQuestions: 0 }, next);
    else next();
  };
}

/**
 * A subgraph's gate: reads the body (up to `limit`), refuses with HTTP 403 — before any
 * GraphQL or route runs — a request that does not carry a valid hub signature over it
 * (auth/request-signature.ts), then parses a JSON body for what follows. The signer's
 * name is left in `res.locals.signer`.
 */
export function requireHubSignature(
  verifier: RequestSignatureVerifier,
  limit: string,
  replays?: ReplayGuard,
): RequestHandler[] {
  return [
    express.raw({ type: () => true, limit }),
    async (request, response, next) => {
      const body: Buffer = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      try {
        const verified = verifier.verify({
          method: request.method,
          path: request.originalUrl,
          body,
          headers: (name) => request.header(name),
        });
        // Another replica of this subgraph took this signature already: a replay, refused alike.
        if (replays && !(await replays.firstUse(verified.nonce))) throw new RequestSignatureError();
        response.locals.signer = verified.signer;
      } catch (error) {
        if (error instanceof RequestSignatureError)
          return sendGraphQLError(response, 403, ErrorCode.FORBIDDEN, error.message);
        return next(error);
      }
      request.body = undefined;
      if (body.length > 0 && request.is("application/json")) {
        try {
          request.body = JSON.parse(body.toString("utf8"));
        } catch {
          return sendGraphQLError(response, 400, "BAD_REQUEST", "Malformed request body");
        }
      }
      next();
    },
  ];
}

export function sendGraphQLError(response: Response, status: number, code: string, message: string): void {
  countError(code);
  const requestId = response.locals.requestId as string | undefined;
  response.status(status).json({ errors: [{ message, extensions: { code, ...(requestId ? { requestId } : {}) } }] });
}

/** A JSON object (not null, not an array): what a request body's members are checked against. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** What a POST body must be by GraphQL over HTTP: its members' kinds (null is "not given"). */
function postBodyProblem(body: unknown): string | undefined {
  if (!isRecord(body) || Object.keys(body).length === 0)
    return "A GraphQL request is a non-empty JSON object sent as application/json";
  const { query, variables, extensions, operationName } = body;
  if (query !== undefined && query !== null && typeof query !== "string") return "`query` must be a string";
  if (variables !== undefined && variables !== null && !isRecord(variables)) return "`variables` must be an object";
  if (extensions !== undefined && extensions !== null && !isRecord(extensions)) return "`extensions` must be an object";
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string")
    return "`operationName` must be a string";
  return undefined;
}

/**
 * Refuses a POST that is no GraphQL request before Apollo sees it. Apollo would refuse it
 * too, but formats that error with no context, so its answer could not name the request
 * (the id reaches errors through the context: errors.ts requestIdPlugin).
 */
export function requireGraphQLRequestShape(): RequestHandler {
  return (request, response, next) => {
    const problem = request.method === "POST" ? postBodyProblem(request.body) : undefined;
    if (problem) return sendGraphQLError(response, 400, ErrorCode.BAD_REQUEST, problem);
    next();
  };
}

/** Whether the process is shutting down: it still serves, but asks everyone to go elsewhere. */
export interface ShutdownState {
  draining: boolean;
}

/** `/health`: the process is alive. `/ready`: it can serve (dependencies reachable, not shutting down). */
export function addHealthRoutes(app: Express, isReady: () => Promise<boolean>, shutdown?: ShutdownState): void {
  app.get("/health", (_request, response) => {
    response.json({ status: "ok" });
  });
  // The supervisor gives each child a fresh nonce and counts it ready only when its own
  // child answers (scripts/start.ts): another hub on the same port does not echo it.
  const instance = process.env[INSTANCE_NONCE_VARIABLE];
  app.get("/ready", async (_request, response) => {
    if (instance) response.setHeader(INSTANCE_NONCE_HEADER, instance);
    if (shutdown?.draining) return void response.status(503).json({ status: "shutting down" });
    let ready: boolean;
    try {
      ready = await isReady();
    } catch {
      ready = false;
    }
    response.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable" });
  });
  // While draining, every answer closes its connection, so clients reconnect elsewhere.
  app.use((_request, response, next) => {
    if (shutdown?.draining) response.setHeader("connection", "close");
    next();
  });
}

export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

/**
 * Waits until a round of the event loop brings no new connection and no new request. An
 * embedded database runs its queries on this process's thread, so under load the loop can
 * be busy for longer than the drain: connections then wait in the kernel's queue, and
 * closing the listener right after the drain timer would reset them. A timer fires before
 * the loop polls for I/O, so each round sleeps, then lets one poll phase take in whatever
 * waited (setImmediate runs after it), and compares.
 */
async function untilQuiet(server: Server, deadline: number): Promise<void> {
  let arrivals = 0;
  const count = () => void (arrivals += 1);
  server.on("connection", count).on("request", count);
  try {
    for (;;) {
      const before = arrivals;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setImmediate(resolve));
      if (arrivals === before || Date.now() > deadline) return;
    }
  } finally {
    server.off("connection", count).off("request", count);
  }
}

/**
 * Graceful shutdown: first drain (still serving, /ready says 503, answers close their
 * connections) so requests already on the wire — including those the kernel accepted
 * but the process had not yet read — are taken in and answered; then stop listening and
 * wait for the requests in flight, up to `timeoutMs`, before closing what is left.
 * (Closing at once would reset connections whose request was not read yet.)
 */
export async function closeServer(
  server: Server,
  options: { shutdown?: ShutdownState; drainMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  if (options.shutdown) options.shutdown.draining = true;
  if (options.drainMs) {
    await new Promise((resolve) => setTimeout(resolve, options.drainMs));
    await untilQuiet(server, Date.now() + (options.timeoutMs ?? 10_000));
  }
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), options.timeoutMs ?? 10_000);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
  });
}

export function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server is not listening on a TCP port");
  return address.port;
}

/** Verifies the bearer token before GraphQL runs: the caller in `res.locals`, or HTTP 401. */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return (request, response, next) => {
    try {
      response.locals.caller = verifier.verify(request.header("authorization"));
      next();
    } catch (error) {
      if (error instanceof AuthenticationError)
        return sendGraphQLError(response, 401, ErrorCode.UNAUTHENTICATED, error.message);
      next(error);
    }
  };
}

/** Malformed JSON and oversized bodies: a clean 400/413, never a stack trace. */
export function sendRequestError(
  error: { status?: number },
  _request: Request,
  response: Response,
  _next: NextFunction,
): void {
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
  const message =
    status === 413 ? "Request body too large" : status === 400 ? "Malformed request body" : "Internal error";
  sendGraphQLError(response, status, status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : "BAD_REQUEST", message);
}

/**
 * One JSON line per request (pino-http): method, path, status, time, request id,
 * organisation and role. Never headers (the token), query strings or bodies, which can
 * carry personal values. Health probes are not logged.
 */
export function requestLog(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (_request, response) => (response as Response).locals?.requestId ?? "",
    customProps: (_request, response) => {
      const locals = (response as Response).locals;
      // The registered name of the trusted document the request ran, if it named one (gateway/trusted-documents.ts).
      return { org: locals?.caller?.org, role: locals?.caller?.role, document: locals?.trustedDocument };
    },
    serializers: {
      req: (request: { id?: unknown; method?: string; url?: string }) => ({
        requestId: request.id,
        method: request.method,
        path: request.url?.split("?")[0],
      }),
      res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
    },
    autoLogging: { ignore: (request) => request.url === "/health" || request.url === "/ready" },
  });
}
