/**
 * Attacks on `/metrics` (platform/metrics.ts). Counters per subgraph and per error code,
 * read over time, tell who is active (a NOT_FOUND counter that moves when someone probes):
 * so `/metrics` is for the hub's operators only. A partner (a) cannot read it in
 * production — not without the metrics token, not with its own valid token; (b) cannot
 * write a personal value into a label through an operation name, nor blow up the series
 * with names new on every request; (c) after every persona's queries, no label value
 * anywhere in the hub is an id, a token or a person's name.
 */
import { randomBytes } from "node:crypto";
import { getNamedType, isObjectType } from "graphql";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { MAX_OPERATION_LABELS } from "../../platform/metric-labels";
import { readyUrl } from "../../platform/processes";
import { SUBGRAPH_NAMES } from "../../subgraphs/index";
import { gatewayUrl, PERSONAS, postGraphQL, subgraphUrl, tokenFor } from "../support/hub";
import {
  parseMetrics,
  productionEnvironment,
  scrape,
  startOwnGateway,
  stopHubProcess,
  total,
  type Sample,
} from "../support/metrics";
import { spawnHubProcess, waitReady, type HubProcess } from "../support/processes";
import { render, selectAll, supergraphSchema } from "../support/policy-matrix";
import { hubState, testPort } from "../support/state";

const WITH_TOKEN = testPort(81);
const WITHOUT_TOKEN = testPort(82);
const VICTIMS = testPort(83);
const at = (port: number, route: string) => `http://127.0.0.1:${port}${route}`;

let tmpDir = "";
const metricsToken = randomBytes(32).toString("base64url");
let tokenFile = "";
const running: HubProcess[] = [];

beforeAll(async () => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-metrics-"));
  tokenFile = path.join(tmpDir, "metrics-token");
  fs.writeFileSync(tokenFile, `${metricsToken}\n`, { mode: 0o600 });
  const production = productionEnvironment("gateway");
  const [withToken, withoutToken] = await Promise.all([
    startOwnGateway("gateway-production-metrics", WITH_TOKEN, { ...production, HUB_METRICS_TOKEN_FILE: tokenFile }),
    startOwnGateway("gateway-production-no-metrics", WITHOUT_TOKEN, production),
  ]);
  running.push(withToken, withoutToken);
  // A production victims subgraph on an embedded database of its own (no demo data: nothing here reads any).
  const victims = spawnHubProcess("victims-production-metrics", "subgraphs/victims/index.js", {
    ...hubState().env,
    ...productionEnvironment("victims"),
    HUB_METRICS_TOKEN_FILE: tokenFile,
    HUB_DATA_DIR: path.join(tmpDir, "data"),
    VICTIMS_PORT: String(VICTIMS),
    VICTIMS_DATABASE_URL: "",
    DATABASE_POOL_SIZE: "1",
    SEED_DEMO_DATA: "never",
  });
  running.push(victims);
  await waitReady(readyUrl({ gateway: 0, subgraphs: { victims: VICTIMS } }, "victims"), victims);
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((process) => stopHubProcess(process)));
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("(a) /metrics in production is for the metrics token only", () => {
  it("the gateway refuses a scrape without it, with a partner's valid token, with a wrong one or in the query string", async () => {
    const partner = tokenFor(PERSONAS.government);
    // The partner's token is good for GraphQL on this very port …
    const graphql = await postGraphQL(at(WITH_TOKEN, "/graphql"), { query: "{ __typename }" }, `Bearer ${partner}`);
    expect(graphql.status).toBe(200);
    const refused = [
      {},
      bearer(partner),
      bearer(randomBytes(32).toString("base64url")),
      bearer(`${metricsToken}x`),
      bearer(metricsToken.slice(1)),
      { authorization: metricsToken },
      { authorization: `Basic ${Buffer.from(`metrics:${metricsToken}`).toString("base64")}` },
    ];
    for (const headers of refused) {
      const response = await fetch(at(WITH_TOKEN, "/metrics"), { headers });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).not.toContain("hub_");
      expect(text).not.toContain("process_");
    }
    expect((await fetch(at(WITH_TOKEN, `/metrics?token=${metricsToken}`))).status).toBe(401);
    // … and only the metrics token opens /metrics.
    const scraped = await fetch(at(WITH_TOKEN, "/metrics"), { headers: bearer(metricsToken) });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await scraped.text()).toContain("hub_graphql_requests_total");
  });

  it("a production gateway without a metrics token set has no /metrics at all, whatever the caller holds", async () => {
    for (const headers of [{}, bearer(tokenFor(PERSONAS.government)), bearer(metricsToken)]) {
      const response = await fetch(at(WITHOUT_TOKEN, "/metrics"), { headers });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("hub_");
    }
    const graphql = await postGraphQL(
      at(WITHOUT_TOKEN, "/graphql"),
      { query: "{ __typename }" },
      `Bearer ${tokenFor(PERSONAS.government)}`,
    );
    expect(graphql.status).toBe(200);
  });

  it("a subgraph answers /metrics to the metrics token without the hub's signature, and nothing else without it", async () => {
    const partner = tokenFor(PERSONAS.government);
    for (const headers of [{}, bearer(partner), bearer(randomBytes(32).toString("base64url"))]) {
      const response = await fetch(at(VICTIMS, "/metrics"), { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain("hub_");
    }
    const scraped = await fetch(at(VICTIMS, "/metrics"), { headers: bearer(metricsToken) });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("hub_db_query_duration_seconds");
    // The metrics token opens /metrics only: GraphQL without the hub's signature is still refused.
    const unsigned = await postGraphQL(at(VICTIMS, "/graphql"), { query: "{ __typename }" }, `Bearer ${metricsToken}`, {
      unsigned: true,
    });
    expect(unsigned.status).toBe(403);
  });
});

const schema = supergraphSchema();
const queryType = schema.getQueryType()!;

/** The access matrix's query for one root field (test/policy-matrix.test.ts): everything reachable from it. */
function matrixQuery(root: string, persona: DevTokenRequest, victimId: string): string {
  const args: Record<string, string> = {
    caseStatistics: "groupBy: [NATIONALITY, SHELTER]",
    auditTrail: "first: 20",
    victim: `id: "${victimId}"`,
    nationals: `first: 20, country: "${persona.country ?? "PH"}"`,
    shelter: `id: "${persona.shelter ?? "shelter-maesot-1"}"`,
    shelters: "first: 3",
    victims: "first: 25",
    repatriationCases: "first: 25",
    embassies: "first: 25",
  };
  const named = getNamedType(queryType.getFields()[root].type);
  const children = isObjectType(named) ? selectAll(schema, named, () => true) : undefined;
  return `query Matrix_${root} { ${render([{ parentType: "Query", field: root, args: args[root], children }])} }`;
}

/** Every label value of every sample. */
const labelValues = (samples: Sample[]) => samples.flatMap((sample) => Object.values(sample.labels));
const operationLabels = (samples: Sample[]) =>
  new Set(samples.filter((sample) => sample.name === "hub_graphql_requests_total").map((s) => s.labels.operation));

describe("(b) operation names cannot carry a personal value into a label, nor blow up the series", () => {
  const scrapeProduction = () => scrape(at(WITH_TOKEN, "/metrics"), metricsToken);
  const askAs = (body: { query: string; operationName?: string }) =>
    postGraphQL(at(WITH_TOKEN, "/graphql"), body, `Bearer ${tokenFor(PERSONAS.ngo)}`);

  it("names that look like a person, an id, a date, a case or a token become 'other'", async () => {
    const uuid = "3f2a9c1e-4b7d-4e21-9a6b-0c5d8e7f1a2b";
    // Names the document itself carries (valid GraphQL names, so Apollo runs them) …
    const named = [
      `Victim_${uuid.replace(/-/g, "_")}`,
      "Born_1990_05_12",
      "Case_MS_2026_0042",
      "Call_66812345678",
      `Long${"x".repeat(80)}`,
    ];
    // … and names only the request gives (Apollo refuses them, but the request is still counted).
    const given = ["Ana Demo-042", "ana.demo@example.org", uuid, tokenFor(PERSONAS.ngo), "anonymous", "other"];
    for (const name of named) expect((await askAs({ query: `query ${name} { __typename }` })).status).toBe(200);
    for (const name of given) await askAs({ query: "{ __typename }", operationName: name });
    const labels = operationLabels(await scrapeProduction());
    for (const name of [...named, ...given.filter((name) => name !== "anonymous" && name !== "other")])
      expect(labels).not.toContain(name);
    expect(labels).toContain("other");
  });

  it("10,000 distinct operation names leave at most the cap of labels, the rest counted as 'other'", async () => {
    const FLOOD = 10_000;
    const before = await scrapeProduction();
    let next = 0;
    // Sixteen clients at a time: each name new, each a valid and admissible GraphQL name.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let index = next++; index < FLOOD; index = next++) {
          const answer = await askAs({ query: `query Flood_${index} { __typename }` });
          if (answer.status !== 200) throw new Error(`request ${index} answered ${answer.status}`);
        }
      }),
    );
    const after = await scrapeProduction();
    const labels = operationLabels(after);
    // The cap, plus "anonymous" and "other".
    expect(labels.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 2);
    const admitted = [...labels].filter((label) => label.startsWith("Flood_")).length;
    expect(admitted).toBeLessThanOrEqual(MAX_OPERATION_LABELS);
    const flooded = (sample: Sample[]) =>
      total(sample, "hub_graphql_requests_total", {
        operation: (label) => label.startsWith("Flood_") || label === "other",
      });
    expect(flooded(after) - flooded(before)).toBe(FLOOD);
    expect(
      total(after, "hub_graphql_requests_total", { operation: "other" }) -
        total(before, "hub_graphql_requests_total", { operation: "other" }),
    ).toBeGreaterThanOrEqual(FLOOD - MAX_OPERATION_LABELS);
    // The whole scrape stays small: series per operation, never per request.
    expect(after.length).toBeLessThan(20_000);
  }, 180_000);
});

describe("(c) after every persona's queries, no label value is an id, a token or a person's name", () => {
  it("through the gateway and straight at every subgraph", async () => {
    const people = await postGraphQL<{
      victims: { edges: Array<{ node: { id: string; caseNumber: string; legalName: string; preferredName: string } }> };
    }>(
      gatewayUrl(),
      { query: "{ victims(first: 40) { edges { node { id caseNumber legalName preferredName } } } }" },
      `Bearer ${tokenFor(PERSONAS.government)}`,
    );
    const persons = people.data!.victims.edges.map((edge) => edge.node);
    expect(persons.length).toBeGreaterThan(0);
    const tokens = Object.values(PERSONAS).map((persona) => tokenFor(persona));

    // What partner apps send, the way the access-matrix test does, with operation names a careless app
    // might make from what it holds: a record's id, its case number, a person's name.
    await Promise.all(
      Object.values(PERSONAS).map(async (persona, index) => {
        const person = persons[index % persons.length];
        const authorization = `Bearer ${tokenFor(persona)}`;
        const asks: Array<{ query: string; operationName?: string }> = [
          {
            query: `query Victim_${person.id.replace(/-/g, "_")} { victim(id: "${person.id}") { legalName testimony } }`,
          },
          { query: `query Case_${person.caseNumber.replace(/-/g, "_")} { victim(id: "${person.id}") { caseNumber } }` },
          { query: `{ victim(id: "${person.id}") { preferredName } }`, operationName: person.legalName },
          { query: `{ victim(id: "${person.id}") { preferredName } }`, operationName: person.id },
          // The matrix's own queries: every root field, everything reachable from it.
          ...Object.keys(queryType.getFields()).map((root) => ({ query: matrixQuery(root, persona, person.id) })),
        ];
        for (const ask of asks) {
          await postGraphQL(gatewayUrl(), ask, authorization);
          await postGraphQL(at(WITH_TOKEN, "/graphql"), ask, authorization);
        }
        // Straight at each subgraph (signed, as the hub's own processes sign), with the same names.
        for (const subgraph of SUBGRAPH_NAMES) {
          await postGraphQL(subgraphUrl(subgraph), asks[2], authorization);
          await postGraphQL(subgraphUrl(subgraph), asks[3], authorization);
          await postGraphQL(
            subgraphUrl(subgraph),
            { query: `query Victim_${person.id.replace(/-/g, "_")} { __typename }` },
            authorization,
          );
        }
      }),
    );

    const scrapes = await Promise.all([
      scrape(gatewayUrl().replace(/\/graphql$/, "/metrics")),
      ...SUBGRAPH_NAMES.map((name) => scrape(subgraphUrl(name).replace(/\/graphql$/, "/metrics"))),
      scrape(at(WITH_TOKEN, "/metrics"), metricsToken),
    ]);
    const values = [...new Set(scrapes.flatMap(labelValues))];
    expect(values.length).toBeGreaterThan(0);
    const uuidLike = /[0-9a-f]{8}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{12}/i;
    const found: string[] = [];
    for (const value of values) {
      const squashed = value.toLowerCase().replace(/[^a-z0-9]/g, "");
      if (uuidLike.test(value) || uuidLike.test(squashed)) found.push(`an id: ${value}`);
      if (/eyJ[A-Za-z0-9_-]{5,}/.test(value) || tokens.some((token) => value.includes(token)))
        found.push(`a token: ${value}`);
      if (value.includes(metricsToken)) found.push(`the metrics token: ${value}`);
      for (const person of persons) {
        const name = person.legalName.toLowerCase().replace(/[^a-z0-9]/g, "");
        const caseNumber = person.caseNumber.toLowerCase().replace(/[^a-z0-9]/g, "");
        if (squashed.includes(name) || squashed.includes(caseNumber) || value === person.preferredName)
          found.push(`a person's name or case: ${value}`);
      }
    }
    expect(found).toEqual([]);
  }, 120_000);
});

// The parser itself must see labels, or (b) and (c) could pass on a scrape they cannot read.
it("the test's parser reads label values with escapes", () => {
  const [sample] = parseMetrics('m{a="x\\"y",b="z"} 2\n');
  expect(sample).toEqual({ name: "m", labels: { a: 'x"y', b: "z" }, value: 2 });
});
