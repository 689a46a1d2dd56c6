/**
 * Operation limits (defaults: depth 12, aliases 30, directives 20, tokens 10,000, cost
 * 20,000, root fields 10, page size 100, body 1 MB, no batching): just under each
 * passes, just over fails with GRAPHQL_VALIDATION_FAILED (tokens: GRAPHQL_PARSE_FAILED)
 * and a message that names the limit but not its value — through the gateway and
 * straight at a subgraph. Rate limits: HTTP 429 with Retry-After per organisation.
 */
import { ApolloServer } from "@apollo/server";
import { loadGatewayConfig } from "../platform/config";
import { SUBGRAPHS } from "../subgraphs/index";
import { DEFAULT_LIMITS, hardenedServerOptions } from "../platform/limits";
import {
  asPersona,
  asPersonaAt,
  errorCodes,
  gatewayUrl,
  hubFetch,
  PERSONAS,
  subgraphUrl,
  tokenFor,
  type GraphQLResponse,
} from "./support/hub";

const government = PERSONAS.government;
const MISSING = "00000000-0000-4000-8000-000000000000";

/** `victim { currentPlacement { victim { … } } }`: depth grows by one per level, with no list to multiply the cost. */
function nested(levels: number): string {
  let inner = "id";
  // Built from the inside out; the outermost level is currentPlacement (a Victim's field).
  for (let level = 0; level < levels; level += 1)
    inner = `${(levels - level) % 2 === 1 ? "currentPlacement" : "victim"} { ${inner} }`;
  return `{ victim(id: "${MISSING}") { ${inner} } }`;
}

function expectRefused(response: GraphQLResponse, message: RegExp, code = "GRAPHQL_VALIDATION_FAILED"): void {
  expect(response.data ?? null).toBeNull();
  expect(errorCodes(response)).toEqual([code]);
  expect(response.errors![0].message).toMatch(message);
  // The refusal names the limit, not its value.
  expect(response.errors![0].message).not.toMatch(/\d/);
}

function expectNotLimited(response: GraphQLResponse): void {
  expect(errorCodes(response)).not.toContain("GRAPHQL_VALIDATION_FAILED");
  expect(errorCodes(response)).not.toContain("GRAPHQL_PARSE_FAILED");
}

describe("limits at the gateway", () => {
  it("depth: 12 levels pass, 13 are refused", async () => {
    expect(DEFAULT_LIMITS.depth).toBe(12);
    // victim + 10 levels + id = 12.
    expectNotLimited(await asPersona(government, nested(10)));
    expectRefused(await asPersona(government, nested(11)), /nested too deeply/);
  });

  it("aliases: 30 pass, 31 are refused", async () => {
    const aliased = (count: number) =>
      `{ shelters(first: 1) { edges { node { ${Array.from({ length: count }, (_, index) => `a${index}: name`).join(" ")} } } } }`;
    expectNotLimited(await asPersona(government, aliased(30)));
    expectRefused(await asPersona(government, aliased(31)), /too many aliases/);
  });

  it("directives: 20 pass, 21 are refused", async () => {
    const directed = (count: number) =>
      `{ shelters(first: 1) { ${Array.from({ length: count }, (_, index) => `t${index}: totalCount @include(if: true)`).join(" ")} } }`;
    expectNotLimited(await asPersona(government, directed(20)));
    expectRefused(await asPersona(government, directed(21)), /too many directives/);
  });

  it("root fields: 10 pass, 11 are refused", async () => {
    const roots = (count: number) =>
      `{ ${Array.from({ length: count }, (_, index) => `r${index}: shelters(first: 1) { totalCount }`).join(" ")} }`;
    expectNotLimited(await asPersona(government, roots(10)));
    expectRefused(await asPersona(government, roots(11)), /too many root fields/);
  });

  it("tokens: just under 10,000 pass, just over are refused", async () => {
    // Twelve tokens around a list of enum values, one token each (commas do not count).
    const tokens = (count: number) => `{ caseStatistics(groupBy: [${"GENDER ".repeat(count - 12)}]) { total } }`;
    expectNotLimited(await asPersona(government, tokens(DEFAULT_LIMITS.tokens - 5)));
    expectRefused(await asPersona(government, tokens(DEFAULT_LIMITS.tokens + 5)), /too long/, "GRAPHQL_PARSE_FAILED");
  });

  it("cost: lists cost their children once per item of the page; 99 heavy rows pass, 100 are refused", async () => {
    // Each row costs 200: the node, 15 fields, and three lists of 6 fields (10 items assumed each).
    const row = `caseNumber nationality gender ageBracket preferredName legalName dateOfBirth identityDocumentNumber nrmStatus identifiedAt rescueLocation rescuedAt medicalNeeds psychosocialNeeds requiresMedicalEscort
      referrals { id toOrg toRole purpose status createdAt } consents { id kind granted recordedAt recordedBy recordedByOrg }
      travelDocuments { id kind number issuedOn expiresOn status }`;
    const page = (first: number) => `{ victims(first: ${first}) { edges { node { ${row} } } } }`;
    const under = await asPersona<{ victims: { edges: unknown[] } }>(government, page(99));
    expect(under.errors).toBeUndefined();
    expect(under.data!.victims.edges).toHaveLength(99);
    expectRefused(await asPersona(government, page(100)), /cost too much/);
  });

  it("page size: first ≤ 100", async () => {
    expect(errorCodes(await asPersona(government, "{ shelters(first: 101) { totalCount } }"))).toEqual([
      "BAD_USER_INPUT",
    ]);
  });

  it("variables: a list of 20,000 bad items is one short refusal, not 20,000 errors (the gateway's coercion is bounded)", async () => {
    const response = await fetch(gatewayUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokenFor(government)}` },
      body: JSON.stringify({
        query: "query ($by: [StatisticsDimension!]!) { caseStatistics(groupBy: $by) { total } }",
        variables: { by: Array(20_000).fill("NOT_A_DIMENSION") },
      }),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    const body = JSON.parse(text) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors.map((error) => error.extensions.code)).toEqual(["BAD_USER_INPUT"]);
    expect(body.errors[0].message).toMatch(/and \d+ more problems in the variables, at most 50 looked for/);
    expect(text.length).toBeLessThan(5_000);
  });

  it("a body over 1 MB is refused with 413, and batched requests with 400", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${tokenFor(government)}` };
    const huge = await fetch(gatewayUrl(), {
      method: "POST",
      headers,
      body: JSON.stringify({ query: `{ __typename }`, variables: { pad: "x".repeat(1_100_000) } }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.text()).not.toMatch(/at \w+ \(|node_modules/);
    const batch = await fetch(gatewayUrl(), {
      method: "POST",
      headers,
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
    });
    expect(batch.status).toBe(400);
  });
});

describe("limits straight at a subgraph (no way around the gateway)", () => {
  it("refuses depth, alias, directive and cost bombs", async () => {
    let deep = "id";
    for (let level = 0; level < 8; level += 1) deep = `referrals { victim { ${deep} } }`;
    expectRefused(
      await asPersonaAt("victims", government, `{ victim(id: "${MISSING}") { ${deep} } }`),
      /nested too deeply/,
    );
    const aliases = `{ victims(first: 1) { edges { node { ${Array.from({ length: 200 }, (_, index) => `a${index}: legalName`).join(" ")} } } } }`;
    expectRefused(await asPersonaAt("victims", government, aliases), /too many aliases/);
    const directives = `{ shelters(first: 1) { ${Array.from({ length: 25 }, (_, index) => `t${index}: totalCount @skip(if: false)`).join(" ")} } }`;
    expectRefused(await asPersonaAt("shelters", government, directives), /too many directives/);
    const costly = `{ victims(first: 100) { edges { node { referrals { victim { referrals { victim { consents { id kind granted } } } } } } } } }`;
    expectRefused(await asPersonaAt("victims", government, costly), /cost too much/);
  });

  it("refuses an _entities fetch of more than 1,000 representations", async () => {
    const representations = Array.from({ length: 1001 }, () => ({ __typename: "Victim", id: MISSING }));
    const response = await asPersonaAt(
      "shelters",
      government,
      "query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { id } } }",
      { representations },
    );
    expectRefused(response, /cost too much/);
  });
});

describe("rate limits per organisation", () => {
  it("answers 429 with Retry-After once an organisation's budget for the minute is spent; others go on", async () => {
    // The test hub gives ngo-rate-limited 5 requests a minute (RATE_LIMIT_ORG_OVERRIDES).
    const limited = { role: "ngo", org: "ngo-rate-limited" } as const;
    const ask = (persona: typeof limited | typeof government) =>
      fetch(gatewayUrl(), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokenFor(persona)}` },
        body: JSON.stringify({ query: "{ shelters(first: 1) { totalCount } }" }),
      });
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await ask(limited)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await ask(limited);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(((await refused.json()) as GraphQLResponse).errors?.[0].extensions?.code).toBe("RATE_LIMITED");
    expect((await ask(government)).status).toBe(200);
  });

  it("is not applied at the subgraphs, which only the gateway and the hub's own services reach", async () => {
    const response = await hubFetch(subgraphUrl("shelters"), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${tokenFor({ role: "ngo", org: "ngo-rate-limited" })}`,
      },
      body: JSON.stringify({ query: "{ shelters(first: 1) { totalCount } }" }),
    });
    expect(response.status).toBe(200);
  });
});

describe("schema details in production", () => {
  it("hide field suggestions and refuse introspection by default, with the same options the hub's servers use", async () => {
    // An in-process server over a tiny schema, built with the hub's own options.
    const production = loadGatewayConfig(SUBGRAPHS, {
      NODE_ENV: "production",
      JWT_PUBLIC_KEY_FILE: "/keys/jwt.pub",
      JWT_ISSUER: "hub",
      JWT_AUDIENCE: "hub",
      HUB_REQUEST_SIGNING_KEY_FILE: "/keys/signing",
    });
    const server = new ApolloServer({
      typeDefs: "type Query { shelterName: String }",
      resolvers: { Query: { shelterName: () => "x" } },
      ...hardenedServerOptions({
        limits: production.limits,
        production: true,
        introspection: production.introspection,
      }),
    });
    await server.start();
    try {
      const misspelt = await server.executeOperation({ query: "{ shelterNam }" });
      const misspeltErrors = misspelt.body.kind === "single" ? misspelt.body.singleResult.errors : undefined;
      expect(misspeltErrors?.[0].message).not.toMatch(/Did you mean/);
      const introspection = await server.executeOperation({ query: "{ __schema { types { name } } }" });
      expect(
        introspection.body.kind === "single" ? introspection.body.singleResult.errors?.[0].message : undefined,
      ).toMatch(/introspection/i);
    } finally {
      await server.stop();
    }
  });
});
