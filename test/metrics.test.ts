/**
 * Prometheus metrics (platform/metrics.ts): the gateway's and a subgraph's `/metrics` name
 * the metrics docs/operations.md lists, and they move with the requests that should move
 * them. The gateway is one of this test's own (its rate limit and operation labels are
 * its own), in front of the shared hub's subgraphs; the victims subgraph is the shared one,
 * so its counts are compared by how much they grew, for operation names only this test uses.
 */
import { PERSONAS, postGraphQL, subgraphUrl, tokenFor } from "./support/hub";
import { scrape, startOwnGateway, stopHubProcess, total, type Sample } from "./support/metrics";
import type { HubProcess } from "./support/processes";
import { testPort } from "./support/state";

const PORT = testPort(80);
const graphql = `http://127.0.0.1:${PORT}/graphql`;
const metrics = `http://127.0.0.1:${PORT}/metrics`;
const victimsMetrics = subgraphUrl("victims").replace(/\/graphql$/, "/metrics");
const LIMITED = { role: "ngo", org: "ngo-metrics-limited" } as const;

let gateway: HubProcess;

beforeAll(async () => {
  gateway = await startOwnGateway("gateway-metrics", PORT, { RATE_LIMIT_ORG_OVERRIDES: `${LIMITED.org}=1` });
});
afterAll(async () => {
  if (gateway) await stopHubProcess(gateway);
});

const ask = (persona: Parameters<typeof tokenFor>[0], query: string, variables?: Record<string, unknown>) =>
  postGraphQL(graphql, { query, variables }, `Bearer ${tokenFor(persona)}`);

/** How much each named total grew between two scrapes. */
const grew =
  (before: Sample[], after: Sample[]) =>
  (name: string, labels: Parameters<typeof total>[2] = {}) =>
    total(after, name, labels) - total(before, name, labels);

describe("the gateway's /metrics", () => {
  it("counts requests by operation and outcome, their latency, errors by code, refusals, fetches by subgraph and rate limits", async () => {
    const before = await scrape(metrics);
    for (let index = 0; index < 3; index += 1) {
      const answer = await ask(PERSONAS.government, "query MetricsProbe { victims(first: 2) { totalCount } }");
      expect(answer.errors).toBeUndefined();
    }
    // A field the shelter's role may never see: the filter removes it (UNAUTHORIZED_FIELD_OR_TYPE).
    const field = await ask(
      PERSONAS.shelter,
      "query MetricsField { victims(first: 1) { edges { node { legalName } } } }",
    );
    expect(field.errors?.[0].extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
    // An argument that filters by a field it may not read: refused whole by the argument rules.
    const argument = await ask(
      PERSONAS.shelter,
      "query MetricsArgument { victims(filter: { nrmStatus: SCREENING }) { totalCount } }",
    );
    expect(argument.errors?.[0].extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
    const anonymous = await postGraphQL(graphql, { query: "{ __typename }" });
    expect(anonymous.status).toBe(401);
    expect((await ask(LIMITED, "{ __typename }")).status).toBe(200);
    expect((await ask(LIMITED, "{ __typename }")).status).toBe(429);
    const after = await scrape(metrics);
    const by = grew(before, after);

    expect(by("hub_graphql_requests_total", { operation: "MetricsProbe", outcome: "ok" })).toBe(3);
    expect(by("hub_graphql_request_duration_seconds_count", { operation: "MetricsProbe", outcome: "ok" })).toBe(3);
    expect(by("hub_graphql_request_duration_seconds_sum", { operation: "MetricsProbe" })).toBeGreaterThan(0);
    expect(by("hub_graphql_requests_total", { operation: "MetricsField", outcome: "error" })).toBe(1);
    expect(by("hub_graphql_requests_total", { operation: "MetricsArgument", outcome: "error" })).toBe(1);
    expect(by("hub_errors_total", { code: "UNAUTHORIZED_FIELD_OR_TYPE" })).toBe(2);
    expect(by("hub_policy_refusals_total", { kind: "field" })).toBe(1);
    expect(by("hub_policy_refusals_total", { kind: "argument" })).toBeGreaterThanOrEqual(1);
    expect(by("hub_errors_total", { code: "UNAUTHENTICATED" })).toBe(1);
    expect(by("hub_errors_total", { code: "RATE_LIMITED" })).toBe(1);
    expect(by("hub_gateway_rate_limited_total", { role: "ngo" })).toBe(1);
    // Each MetricsProbe fetched from the victims subgraph; MetricsField had nothing left to fetch.
    expect(by("hub_gateway_subgraph_fetch_duration_seconds_count", { subgraph: "victims", outcome: "ok" })).toBe(3);
    // Process metrics (prom-client's defaults).
    expect(total(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(after.some((sample) => sample.name === "nodejs_eventloop_lag_seconds")).toBe(true);
    expect(after.some((sample) => sample.name === "nodejs_heap_size_used_bytes")).toBe(true);
  });
});

describe("a subgraph's /metrics", () => {
  it("counts the fetches it answers, its SQL statements, its pool and its audit appends", async () => {
    // The shared hub's subgraphs are given their databases by URL (global-setup.ts), embedded or not.
    const database = "server";
    // Reached without the hub's signature: like /health, ahead of the signature gate (open outside production).
    const before = await scrape(victimsMetrics);
    for (let index = 0; index < 2; index += 1) {
      // A personal field of a person: an audited read, appended before the answer leaves.
      const answer = await ask(
        PERSONAS.government,
        "query MetricsAudited { victims(first: 2) { edges { node { legalName } } } }",
      );
      expect(answer.errors).toBeUndefined();
    }
    const after = await scrape(victimsMetrics);
    const by = grew(before, after);
    // The gateway names its fetches after the client's operation: MetricsAudited__victims__0.
    const fetches = { operation: (name: string) => name.startsWith("MetricsAudited__victims__"), outcome: "ok" };
    expect(by("hub_graphql_requests_total", fetches)).toBe(2);
    expect(by("hub_graphql_request_duration_seconds_count", fetches)).toBe(2);
    expect(by("hub_db_query_duration_seconds_count", { database, outcome: "ok" })).toBeGreaterThanOrEqual(2);
    expect(by("hub_db_query_duration_seconds_sum", { database })).toBeGreaterThan(0);
    expect(by("hub_audit_append_duration_seconds_count", { outcome: "ok" })).toBeGreaterThanOrEqual(1);
    expect(by("hub_audit_append_batch_requests_count")).toBeGreaterThanOrEqual(1);
    expect(total(after, "hub_db_pool_connections", { database, state: "max" })).toBeGreaterThanOrEqual(1);
    expect(after.some((sample) => sample.name === "hub_db_pool_waiting" && sample.labels.database === database)).toBe(
      true,
    );
    expect(total(after, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});
