/**
 * How the gateway talks to a subgraph: keep-alive connections (the default fetcher
 * opens far too many), the caller's own token and the request id forwarded, and a
 * subgraph that cannot be reached reported by name with SERVICE_UNAVAILABLE instead of
 * an opaque error, while the rest of the query is still answered.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { Agent, fetch } from "undici";
import type { RequestSigner } from "../platform/auth/request-signature";
import {
  GRANT_REQUEST_EXTENSION,
  GRANT_RESPONSE_EXTENSION,
  GRANT_WANTED_HEADER,
  MAX_GRANTS_PER_REQUEST,
} from "../contracts/victim-access/grant";
import { ErrorCode } from "../platform/errors";
import { secondsSince, subgraphFetchDuration } from "../platform/metrics";
import { injectTraceContext } from "../platform/tracing";

// Apollo's fetcher and response types, taken from the gateway itself so versions always agree.
type Fetcher = RemoteGraphQLDataSource["fetcher"];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource["process"]>>;
import type { GatewayContext } from "./context";
import { isVictimsSubgraph } from "./victim-access-grants";

export function createSubgraphFetcher(timeoutMs: number): Fetcher {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: 64,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  // undici's fetch satisfies Apollo's minimal Fetcher contract; the types differ only nominally.
  return ((url: string, init?: Record<string, unknown>) =>
    fetch(url, { ...init, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) } as Parameters<
      typeof fetch
    >[1])) as unknown as Fetcher;
}

/**
 * Signs every fetch (platform/auth/request-signature.ts) over exactly what is sent:
 * subgraphs answer nothing else. Apollo's data source hands the fetcher its final body
 * and headers (a plain object).
 */
export function signingFetcher(fetcher: Fetcher, signer: RequestSigner): Fetcher {
  return ((url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) =>
    fetcher(url, {
      ...init,
      headers: signer.signed(init?.method ?? "POST", url, init?.body ?? "", init?.headers ?? {}),
    } as Parameters<Fetcher>[1])) as Fetcher;
}

/** Adds a subgraph's reported count (a response header; absent in production) to the request's tally. */
function add(tally: Record<string, number>, subgraph: string, header: string | null | undefined): void {
  const count = Number(header ?? NaN);
  if (Number.isFinite(count)) tally[subgraph] = (tally[subgraph] ?? 0) + count;
}

export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraphName: string,
    url: string,
    fetcher: Fetcher,
  ) {
    super({ url, fetcher });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!context?.authorization) return;
    request.http?.headers.set("authorization", context.authorization);
    request.http?.headers.set("x-request-id", context.requestId);
    // Within Apollo's gateway.fetch span: the subgraph's request span hangs under it. Unsigned (platform/tracing.ts).
    injectTraceContext((name, value) => request.http?.headers.set(name, value));
    if (isVictimsSubgraph(this.subgraphName)) {
      if (context.wantsVictimAccessGrant) request.http?.headers.set(GRANT_WANTED_HEADER, "wanted");
    } else if (context.victimAccessGrants?.length) {
      request.extensions = {
        ...request.extensions,
        [GRANT_REQUEST_EXTENSION]: context.victimAccessGrants.slice(0, MAX_GRANTS_PER_REQUEST),
      };
    }
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    try {
      const response = await super.process(options);
      subgraphFetchDuration.observe(
        { subgraph: this.subgraphName, outcome: response.errors?.length ? "error" : "ok" },
        secondsSince(started),
      );
      const context = options.context as GatewayContext | undefined;
      const grant: unknown = response.extensions?.[GRANT_RESPONSE_EXTENSION];
      if (grant !== undefined) {
        // For the later fetches only: never part of the client's answer.
        delete response.extensions![GRANT_RESPONSE_EXTENSION];
        if (typeof grant === "string" && isVictimsSubgraph(this.subgraphName)) context?.victimAccessGrants?.push(grant);
      }
      if (context?.sqlStatements)
        add(context.sqlStatements, this.subgraphName, response.http?.headers.get("x-sql-statements"));
      if (context?.peerQuestions)
        add(context.peerQuestions, this.subgraphName, response.http?.headers.get("x-peer-questions"));
      return response;
    } catch {
      subgraphFetchDuration.observe({ subgraph: this.subgraphName, outcome: "unavailable" }, secondsSince(started));
      // Network failure, timeout or a non-GraphQL answer: name the service, reveal nothing else.
      return {
        errors: [
          {
            message: `The ${this.subgraphName} service is unavailable; fields it owns are missing from this answer.`,
            extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: this.subgraphName },
          },
        ],
      } as GatewayGraphQLResponse;
    }
  }
}
