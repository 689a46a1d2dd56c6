/** Talking to the running hub from a test: tokens, GraphQL over HTTP, demo facts. */
import path from "node:path";
import { ensureDevRequestSigningKey } from "../../platform/auth/keys";
import { createRequestSigner } from "../../platform/auth/request-signature";
import { signDevToken, type DevTokenRequest } from "../../platform/auth/tokens";
import type { AuthConfig } from "../../platform/config";
import type { SubgraphName } from "../../subgraphs/index";
import { hubState, TEST_PORTS } from "./state";

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
  headers: Headers;
}

export function testAuthConfig(): AuthConfig {
  const { env } = hubState();
  return { issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(env.HUB_DATA_DIR, "keys") };
}

/** Made once per persona and process: a token minted anew each call differs once a second has passed (its `iat`), and
 * what binds to a caller's Authorization header — a victim-access grant — would then fail to open in a later request. */
const tokens = new Map<string, string>();

export function tokenFor(request: DevTokenRequest): string {
  const config = testAuthConfig();
  const key = JSON.stringify([config.devKeyDir, request]);
  let token = tokens.get(key);
  if (!token) tokens.set(key, (token = signDevToken(config, request)));
  return token;
}

export { PERSONAS } from "../../demo/personas";

export function gatewayUrl(): string {
  return `http://127.0.0.1:${TEST_PORTS.gateway}/graphql`;
}

export function subgraphUrl(name: SubgraphName): string {
  return `http://127.0.0.1:${TEST_PORTS[name]}/graphql`;
}

export interface HubFetchOptions {
  /** The key directory of the hub addressed (default: the shared test hub's). */
  keyDir?: string;
  /** Send it as an outsider would: no hub request signature. */
  unsigned?: boolean;
  /** Sign as this hub process (default: the gateway), with its own development key. */
  signer?: string;
}

/** A request's headers with the hub's request signature added, as hubFetch sends them (`unsigned`: as given). */
export function hubRequestHeaders(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
  options: HubFetchOptions = {},
): Record<string, string> {
  const given = init.headers ?? {};
  return options.unsigned
    ? given
    : createRequestSigner(
        options.signer ?? "gateway",
        ensureDevRequestSigningKey(
          options.keyDir ?? path.join(hubState().env.HUB_DATA_DIR, "keys"),
          options.signer ?? "gateway",
        ),
      ).signed(init.method ?? "GET", url, init.body ?? "", given);
}

/**
 * fetch, signed as the gateway signs its fetches (platform/auth/request-signature.ts), so a
 * test can reach a subgraph the way the hub does; harmless towards the gateway, which
 * ignores the signature. `unsigned` sends it as an outsider would.
 */
export function hubFetch(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
  options: HubFetchOptions = {},
): Promise<Response> {
  return fetch(url, { ...init, headers: hubRequestHeaders(url, init, options) });
}

export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  body: {
    query: string;
    variables?: Record<string, unknown>;
    operationName?: string;
    extensions?: Record<string, unknown>;
  },
  authorization?: string,
  options: HubFetchOptions & { headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const response = await hubFetch(
    url,
    {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}), ...options.headers },
      body: JSON.stringify(body),
    },
    options,
  );
  const json = (await response.json()) as Omit<GraphQLResponse<T>, "status" | "headers">;
  return { ...json, status: response.status, headers: response.headers };
}

/** A query through the gateway as a persona. */
export function asPersona<T = Record<string, unknown>>(
  persona: DevTokenRequest,
  query: string,
  variables?: Record<string, unknown>,
) {
  return postGraphQL<T>(gatewayUrl(), { query, variables }, `Bearer ${tokenFor(persona)}`);
}

/** The same, straight at one subgraph (bypassing the gateway). */
export function asPersonaAt<T = Record<string, unknown>>(
  subgraph: SubgraphName,
  persona: DevTokenRequest,
  query: string,
  variables?: Record<string, unknown>,
) {
  return postGraphQL<T>(subgraphUrl(subgraph), { query, variables }, `Bearer ${tokenFor(persona)}`);
}

export function errorCodes(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((error) => String(error.extensions?.code));
}
