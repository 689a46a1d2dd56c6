/**
 * OpenTelemetry traces across the hub (platform/tracing.ts), end to end: a hub of this
 * test's own — the gateway and the four subgraphs as processes, each on its own embedded
 * database with the demo data — exporting for real to an OTLP/HTTP receiver the test runs
 * (test/support/traces.ts). (a) the tree: one trace per request, the gateway's spans, each
 * subgraph's under the fetch that called it, SQL, audit appends, service questions; (b) the
 * attack: after every persona's requests carrying people's names, ids and case numbers in
 * operation names, literals, variables and trace headers, nothing exported holds any of
 * them, nor a token. One file, one hub: five processes and four databases are the cost of
 * either half. The rules alone, and tracing off: test/in-process/tracing.test.ts.
 */
import { randomBytes } from "node:crypto";
import { ATTRIBUTE_RULES, SPAN_NAMES } from "../../platform/trace-attributes";
import { SUBGRAPH_NAMES } from "../../subgraphs/index";
import { PERSONAS, postGraphQL, type GraphQLResponse } from "../support/hub";
import { withStandaloneHub, type StandaloneHub } from "../support/standalone";
import { hubState, testPort } from "../support/state";
import { ancestorsOf, startTraceReceiver, type ReceivedSpan, type TraceReceiver } from "../support/traces";
import type { DevTokenRequest } from "../../platform/auth/tokens";

/** The hub: the gateway on this port, the subgraphs on the next four. */
const HUB = testPort(110);
const RECEIVER = testPort(115);

let receiver: TraceReceiver;
let hub: StandaloneHub;
let release: () => void = () => undefined;
let running: Promise<void> | undefined;

beforeAll(async () => {
  receiver = await startTraceReceiver(RECEIVER);
  await new Promise<void>((ready, failed) => {
    running = withStandaloneHub(
      {
        basePort: HUB,
        subgraphs: [...SUBGRAPH_NAMES],
        gateway: true,
        // Export every 100 ms: the test waits for spans, not for the SDK's 5 s default.
        baseEnv: { ...hubState().env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100" },
      },
      (started) => {
        hub = started;
        ready();
        return new Promise<void>((done) => (release = done));
      },
    );
    running.catch(failed);
  });
}, 240_000);
afterAll(async () => {
  release();
  await running;
  await receiver?.stop();
});

/** A request to a process of the hub (signed as the gateway signs, harmless towards the gateway) with headers of the test's own. */
function send(
  name: "gateway" | (typeof SUBGRAPH_NAMES)[number],
  persona: DevTokenRequest,
  body: { query: string; variables?: Record<string, unknown>; operationName?: string },
  headers: Record<string, string> = {},
): Promise<GraphQLResponse> {
  return postGraphQL(hub.url(name), body, `Bearer ${hub.token(persona)}`, { keyDir: hub.keyDir, headers });
}

const DASHBOARD = /* GraphQL */ `
  query Dashboard($first: Int) {
    nationals(first: $first) {
      totalCount
      edges {
        node {
          id
          caseNumber
          legalName
          currentPlacement {
            shelter {
              name
            }
            placedAt
          }
          nationalityVerification {
            status
          }
          travelDocuments {
            kind
            number
          }
          repatriation {
            status
          }
        }
      }
    }
  }
`;

const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);

/** The root span of the gateway's request named `operation`, once it and the subgraphs' spans of its trace are in. */
async function traceOf(operation: string, wanted: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
  let root: ReceivedSpan | undefined;
  await receiver.waitFor((spans) => {
    root = spans.find(
      (span) => span.name === "gateway.request" && span.attributes["graphql.operation.name"] === operation,
    );
    return root !== undefined && wanted(spans.filter((span) => span.traceId === root!.traceId));
  });
  return inTrace(root!.traceId);
}

describe("(a) an embassy's dashboard is one trace across the gateway and the four subgraphs", () => {
  it("Apollo's request, plan and fetch spans, each subgraph's request under the fetch that made it, SQL and the audit append under those", async () => {
    // A client's own trace context is no parent: the gateway starts the trace.
    const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const answer = await send(
      "gateway",
      PERSONAS.embassyPH,
      { query: DASHBOARD, variables: { first: 20 }, operationName: "Dashboard" },
      { traceparent: `00-${clientTrace}-00f067aa0ba902b7-01` },
    );
    expect(answer.errors).toBeUndefined();
    expect((answer.data as { nationals: { edges: unknown[] } }).nationals.edges.length).toBeGreaterThan(0);

    const spans = await traceOf("Dashboard", (trace) =>
      SUBGRAPH_NAMES.every((name) => trace.some((span) => span.service === name && span.name === "subgraph.request")),
    );
    expect(receiver.spans.filter((span) => span.traceId === clientTrace)).toEqual([]);
    const services = new Set(spans.map((span) => span.service));
    expect([...services].sort()).toEqual(["gateway", ...SUBGRAPH_NAMES].sort());

    const [root] = spans.filter((span) => span.name === "gateway.request");
    expect(root.parentSpanId).toBe("");
    expect(root.service).toBe("gateway");
    expect(root.attributes["graphql.operation.type"]).toBe("query");
    const names = new Set(spans.filter((span) => span.service === "gateway").map((span) => span.name));
    for (const name of ["gateway.plan", "gateway.execute", "gateway.fetch"]) expect(names).toContain(name);
    expect(
      ancestorsOf(
        spans.find((span) => span.name === "gateway.plan")!,
        spans,
      ),
    ).toContain(root);

    for (const subgraph of SUBGRAPH_NAMES) {
      const requests = spans.filter((span) => span.service === subgraph && span.name === "subgraph.request");
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) {
        // The parent is the gateway's fetch to this very subgraph, and the chain ends at the gateway's request.
        const [fetch] = ancestorsOf(request, spans);
        expect(fetch).toMatchObject({ service: "gateway", name: "gateway.fetch", attributes: { service: subgraph } });
        expect(ancestorsOf(fetch, spans).at(-1)).toBe(root);
        expect(request.attributes).toMatchObject({
          "hub.signer": "gateway",
          "hub.outcome": "ok",
          "graphql.operation.type": "query",
          "http.response.status_code": 200,
        });
        expect(String(request.attributes["graphql.operation.name"])).toMatch(
          new RegExp(`^Dashboard__${subgraph}__\\d+$`),
        );
      }
      // Its SQL, under its request: the statement's shape, bound parameters as placeholders.
      const statements = spans.filter((span) => span.service === subgraph && span.name === "sql");
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(requests).toContain(ancestorsOf(statement, spans).find((span) => span.name === "subgraph.request"));
        expect(statement.attributes["db.system"]).toBe("postgresql");
        expect(statement.attributes["db.query.text"]).not.toMatch(/'/);
      }
      expect(statements.some((statement) => /\$1/.test(String(statement.attributes["db.query.text"])))).toBe(true);
    }
    // Names are personal: their read is appended to the victims trail before the answer leaves.
    const appends = spans.filter((span) => span.service === "victims" && span.name === "audit.append");
    expect(appends.length).toBeGreaterThan(0);
    for (const append of appends) {
      expect(ancestorsOf(append, spans).map((span) => span.name)).toContain("subgraph.request");
      expect(append.attributes["hub.audit.requests"]).toBeGreaterThanOrEqual(1);
      expect(append.attributes["hub.audit.entries"]).toBeGreaterThanOrEqual(1);
      expect(append.attributes["hub.outcome"]).toBe("ok");
    }
    const appendStatements = spans.filter(
      (span) => span.name === "sql" && appends.some((append) => span.parentSpanId === append.spanId),
    );
    expect(appendStatements.map((span) => span.attributes["db.query.text"])).toContain(
      "SELECT audit_append($1::jsonb)",
    );
  });

  it("a subgraph's service question to the victims subgraph: the question's span, the answer's under it", async () => {
    // Without the victims subgraph in the plan there is no grant: the repatriation subgraph asks who the embassy may see.
    const answer = await send("gateway", PERSONAS.embassyPH, {
      query: "query Cases { repatriationCases(first: 10) { totalCount edges { node { status } } } }",
    });
    expect(answer.errors).toBeUndefined();
    // It asked the victims subgraph (the hub's diagnostic counters, on in tests).
    expect(answer.extensions?.peerQuestions).toMatchObject({
      repatriation: expect.any(Number),
    });
    // Each process exports on its own: wait for the answer's span and for the asking request's, which ends last.
    const spans = await traceOf(
      "Cases",
      (trace) =>
        trace.some((span) => span.name === "service.answer") &&
        trace.some((span) => span.service === "repatriation" && span.name === "subgraph.request"),
    );
    const question = spans.find((span) => span.name === "service.question")!;
    expect(question).toMatchObject({
      service: "repatriation",
      attributes: { "hub.route": "/internal/victim-access", "hub.peer": "victims", "hub.outcome": "ok" },
    });
    expect(question.attributes["hub.ids"]).toEqual(expect.any(Number));
    expect(question.attributes["http.response.status_code"]).toBe(200);
    expect(ancestorsOf(question, spans)[0]).toMatchObject({ service: "repatriation", name: "subgraph.request" });
    const answered = spans.find((span) => span.name === "service.answer")!;
    expect(answered).toMatchObject({
      service: "victims",
      parentSpanId: question.spanId,
      attributes: { "hub.route": "/internal/victim-access", "hub.signer": "repatriation", "hub.outcome": "ok" },
    });
    expect(spans.some((span) => span.name === "sql" && span.parentSpanId === answered.spanId)).toBe(true);
  });
});

interface Person {
  id: string;
  caseNumber: string;
  legalName: string;
  preferredName: string | null;
}

/** Every string anywhere in a parsed export: names, keys, values, resource, events, trace state. */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value && typeof value === "object")
    for (const [key, inner] of Object.entries(value)) {
      into.push(key);
      stringsIn(inner, into);
    }
  return into;
}

const squash = (value: string) => value.toLowerCase().replace(/[^a-z0-9]/g, "");
const underscored = (value: string) => value.replace(/[^A-Za-z0-9]/g, "_");

describe("(b) attack: nothing a request carries reaches a span", () => {
  it("an unsigned traceparent changes how a subgraph traces, never what it answers", async () => {
    const body = {
      query: "query Page { victims(first: 5) { totalCount edges { node { id caseNumber nationality } } } }",
    };
    const plain = await send("victims", PERSONAS.embassyPH, body);
    expect(plain.errors).toBeUndefined();
    const variants: Array<Record<string, string>> = [
      { traceparent: `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01` },
      // Not sampled: the subgraph records nothing of it, and answers the same.
      { traceparent: `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-00` },
      { traceparent: "not a trace context", tracestate: "=,=".repeat(100) },
      { traceparent: `00-${"0".repeat(32)}-${"0".repeat(16)}-01` },
      { traceparent: `ff-${"a".repeat(5000)}` },
    ];
    for (const headers of variants) {
      const answer = await send("victims", PERSONAS.embassyPH, body, headers);
      expect({ status: answer.status, data: answer.data, errors: answer.errors }).toEqual({
        status: plain.status,
        data: plain.data,
        errors: plain.errors,
      });
    }
  });

  it("after every persona's requests with people's values in operation names, literals, variables and trace headers, no exported string holds a name, case number, id, variable or token", async () => {
    const people = await send("gateway", PERSONAS.government, {
      query: "{ victims(first: 40) { edges { node { id caseNumber legalName preferredName } } } }",
    });
    const persons = (people.data as { victims: { edges: Array<{ node: Person }> } }).victims.edges.map((e) => e.node);
    expect(persons.length).toBeGreaterThan(10);
    // Values only this test sends: a new person's, written by a mutation (variables and a literal), and a bad id.
    const secret = randomBytes(6).toString("hex");
    const newPerson = {
      nationality: "UG",
      gender: "FEMALE",
      ageBracket: "AGE_18_25",
      legalName: `Tracedvariable Person${secret}`,
      preferredName: `Tracedpreferred${secret}`,
      testimony: `Tracedtestimony ${secret}`,
      familyContact: `+6681${secret.replace(/[a-f]/g, "7")}`,
    };
    const literalName = `Tracedliteral Person${secret}`;
    const badId = `not-an-id-${secret}`;
    const traceSecret = `tracedstate${secret}`;

    const registered = await send("gateway", PERSONAS.ngo, {
      query: `mutation Register($victim: RegisterVictimInput!) { registerVictim(victim: $victim) { id caseNumber } }`,
      variables: { victim: newPerson },
    });
    expect(registered.errors).toBeUndefined();
    const literal = await send("gateway", PERSONAS.ngo, {
      query: `mutation { registerVictim(victim: { nationality: "UG", gender: FEMALE, ageBracket: AGE_18_25, legalName: "${literalName}" }) { id caseNumber } }`,
    });
    expect(literal.errors).toBeUndefined();
    const written = [registered, literal].map(
      (answer) => (answer.data as { registerVictim: { id: string; caseNumber: string } }).registerVictim,
    );

    const personas = Object.values(PERSONAS);
    await Promise.all(
      personas.map(async (persona, index) => {
        const person = persons[index % persons.length];
        // A trace context of the caller's own, with a person's name in its trace state.
        const headers = {
          traceparent: `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`,
          tracestate: `hub=${traceSecret}${squash(person.legalName)}`,
        };
        const asks = [
          { query: DASHBOARD, variables: { first: 20 }, operationName: "Dashboard" },
          {
            query: `query Victim_${underscored(person.id)} { victim(id: "${person.id}") { legalName testimony } }`,
          },
          { query: `query Case_${underscored(person.caseNumber)} { victim(id: "${person.id}") { caseNumber } }` },
          { query: `{ victim(id: "${person.id}") { preferredName } }`, operationName: person.legalName },
          {
            query: `query Look($id: ID!) { victim(id: $id) { legalName preferredName caseNumber } }`,
            variables: { id: person.id },
          },
          { query: `query Look($id: ID!) { victim(id: $id) { legalName } }`, variables: { id: badId } },
          { query: `query Written($id: ID!) { victim(id: $id) { legalName } }`, variables: { id: written[0].id } },
          { query: "query Cases { repatriationCases(first: 10) { edges { node { status } } } }" },
        ];
        for (const ask of asks) await send("gateway", persona, ask, headers);
        // Straight at each subgraph (signed as the gateway signs), with the same names, literals and headers.
        for (const subgraph of SUBGRAPH_NAMES)
          for (const ask of asks.slice(1, 6)) await send(subgraph, persona, ask, headers);
      }),
    );
    // The last request's spans in: every process has exported what came before (each every 100 ms).
    await send("gateway", PERSONAS.government, { query: "query TracesEnd { __typename }" });
    await receiver.waitFor((spans) =>
      spans.some(
        (span) => span.name === "gateway.request" && span.attributes["graphql.operation.name"] === "TracesEnd",
      ),
    );
    await receiver.settled(1500);

    // What was sent: spans from every process, SQL among them, and the writes' statements.
    const services = new Set(receiver.spans.map((span) => span.service));
    expect([...services].sort()).toEqual(["gateway", ...SUBGRAPH_NAMES].sort());
    expect(receiver.spans.some((span) => /^INSERT/.test(String(span.attributes["db.query.text"])))).toBe(true);

    const tokens = personas.map((persona) => hub.token(persona));
    const forbidden = [
      ...persons.flatMap((person) => [person.id, person.caseNumber, person.legalName, person.preferredName ?? ""]),
      ...written.flatMap(({ id, caseNumber }) => [id, caseNumber]),
      newPerson.legalName,
      newPerson.preferredName,
      newPerson.testimony,
      newPerson.familyContact,
      literalName,
      badId,
      traceSecret,
      ...tokens,
    ].filter((value) => value.length > 3);
    const squashedForbidden = forbidden.map(squash).filter((value) => value.length > 5);
    const found = new Set<string>();
    for (const body of receiver.bodies) {
      for (const text of stringsIn(JSON.parse(body))) {
        const squashed = squash(text);
        if (/eyJ[A-Za-z0-9_-]{5,}/.test(text)) found.add(`a token: ${text}`);
        if (/[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}/i.test(text))
          found.add(`an id: ${text}`);
        for (const value of forbidden) if (text.includes(value)) found.add(`${value} in ${text}`);
        for (const value of squashedForbidden) if (squashed.includes(value)) found.add(`${value} in ${text}`);
      }
    }
    expect([...found]).toEqual([]);

    // And by construction: listed names and keys only, no events, no trace state.
    for (const span of receiver.spans) {
      expect(SPAN_NAMES).toContain(span.name);
      for (const key of Object.keys(span.attributes)) expect(Object.keys(ATTRIBUTE_RULES)).toContain(key);
      expect(span.raw.events ?? []).toEqual([]);
      expect(span.raw.traceState ?? "").toBe("");
    }
    // The callers' own trace contexts were no parent at the gateway.
    const gatewayRoots = receiver.spans.filter((span) => span.name === "gateway.request");
    expect(gatewayRoots.every((span) => span.parentSpanId === "")).toBe(true);
  }, 180_000);
});
