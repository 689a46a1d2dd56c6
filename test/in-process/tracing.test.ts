/**
 * The rules behind traces that need no hub (platform/tracing.ts, trace-attributes.ts):
 * which settings turn tracing on, that off registers nothing and sends nothing, what the
 * attribute guard lets through, the shape a SQL statement is reduced to, and — once on, in
 * this process — that only guarded spans reach an OTLP receiver. The hub's traces end to
 * end: test/attacks/traces.test.ts.
 *
 * The order matters: "off" runs before this file's process registers a provider ("on").
 */
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { Resource } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ConfigError, loadGatewayConfig, loadSubgraphConfig } from "../../platform/config";
import { operationLabels } from "../../platform/metrics";
import {
  allowProcessNames,
  guardAttributes,
  guardSpanName,
  MAX_STATEMENT_LENGTH,
  statementShape,
} from "../../platform/trace-attributes";
import {
  endSqlSpan,
  guardedSpan,
  inSpan,
  injectTraceContext,
  startSqlSpan,
  startTracing,
  tracingOn,
} from "../../platform/tracing";
import { SUBGRAPHS } from "../../subgraphs/index";
import { testPort } from "../support/state";
import { startTraceReceiver, type TraceReceiver } from "../support/traces";

const RECEIVER = testPort(96);
let receiver: TraceReceiver;
beforeAll(async () => {
  receiver = await startTraceReceiver(RECEIVER);
});
afterAll(() => receiver?.stop());

describe("the settings", () => {
  const endpoint = (env: Record<string, string>) => loadGatewayConfig(SUBGRAPHS, env).tracesEndpoint;

  it("turn tracing on with an OTLP endpoint only, as the SDK reads it", () => {
    expect(endpoint({})).toBeUndefined();
    // What the exporter would read besides: none of it turns tracing on.
    expect(
      endpoint({ OTEL_EXPORTER_OTLP_HEADERS: "x=y", OTEL_SERVICE_NAME: "hub", OTEL_TRACES_SAMPLER: "always_on" }),
    ).toBeUndefined();
    expect(endpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe("http://collector:4318/v1/traces");
    expect(endpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector:4318/" })).toBe(
      "https://collector:4318/v1/traces",
    );
    expect(
      endpoint({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:9999/custom",
      }),
    ).toBe("http://traces:9999/custom");
    expect(endpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })).toBe(
      undefined,
    );
    expect(
      loadSubgraphConfig(SUBGRAPHS, "victims", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).tracesEndpoint,
    ).toBe("http://collector:4318/v1/traces");
  });

  it("refuse an endpoint that is no http(s) URL (the SDK would send to localhost:4318 instead)", () => {
    for (const value of ["collector:4318", "not a url", "grpc://collector:4317"]) {
      expect(() => loadGatewayConfig(SUBGRAPHS, { OTEL_EXPORTER_OTLP_ENDPOINT: value })).toThrow(ConfigError);
      expect(() => loadGatewayConfig(SUBGRAPHS, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: value })).toThrow(ConfigError);
    }
  });
});

describe("off (no endpoint)", () => {
  it("registers no provider, no context manager, no propagator, and sends nothing", async () => {
    const config = loadGatewayConfig(SUBGRAPHS, { OTEL_EXPORTER_OTLP_HEADERS: "x=y" });
    expect(startTracing("gateway", ["victims"], config)).toBeUndefined();
    expect(tracingOn()).toBe(false);
    // The API's no-op: spans record nothing (Apollo's gateway makes its spans through it regardless).
    const span = trace.getTracer("test").startSpan("gateway.request");
    expect(span.isRecording()).toBe(false);
    span.end();
    // No context manager: a context given to `with` is not the active one inside it.
    const marked = ROOT_CONTEXT.setValue(Symbol("marked"), true);
    expect(context.with(marked, () => context.active())).not.toBe(marked);
    // No propagator: nothing would be added to a request.
    expect(propagation.fields()).toEqual([]);
    const headers: Record<string, string> = {};
    injectTraceContext((name, value) => (headers[name] = value));
    expect(headers).toEqual({});
    // The hub's own helpers run the work alone.
    expect(await inSpan("audit.append", {}, async () => 42)).toBe(42);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests).toEqual([]);
  });
});

describe("the attribute guard", () => {
  beforeAll(() => allowProcessNames(["gateway", "victims", "shelters"]));

  it("drops every key not on its list, whoever set it", () => {
    expect(
      guardAttributes({
        "graphql.document": 'query { victim(id: "3f2a9c1e-4b7d-4e21-9a6b-0c5d8e7f1a2b") { legalName } }',
        "graphql.variables": '{"id":"3f2a9c1e-4b7d-4e21-9a6b-0c5d8e7f1a2b"}',
        "db.statement": "SELECT 1",
        "enduser.id": "user-1",
        "http.url": "http://victims/graphql?name=Ana",
        "exception.message": 'Variable "$name" got invalid value "Ana"',
        "hub.outcome": "ok",
      }),
    ).toEqual({ "hub.outcome": "ok" });
  });

  it("passes each value through its key's rule", () => {
    expect(
      guardAttributes({
        "graphql.operation.name": "NationalsDashboard",
        operationName: "Victim_3f2a9c1e_4b7d_4e21_9a6b_0c5d8e7f1a2b",
        "graphql.operation.type": "query",
        service: "victims",
        "hub.peer": "Ana Demo",
        "hub.signer": "gateway",
        "hub.outcome": "maybe",
        "hub.error_codes": ["NOT_FOUND", "Ana Demo", "NOT_FOUND"],
        "hub.route": "/internal/victim-access",
        "hub.ids": 3,
        "hub.audit.requests": "3f2a9c1e-4b7d-4e21-9a6b-0c5d8e7f1a2b",
        "hub.audit.entries": -1,
        "http.response.status_code": 200,
        "db.system": "postgresql",
        "db.operation.name": "select",
      }),
    ).toEqual({
      "graphql.operation.name": "NationalsDashboard",
      // The metrics' rule for operation names (metric-labels.ts): a name with an id in it is "other".
      operationName: "other",
      "graphql.operation.type": "query",
      service: "victims",
      "hub.signer": "gateway",
      "hub.error_codes": ["NOT_FOUND", "other"],
      "hub.route": "/internal/victim-access",
      "hub.ids": 3,
      "http.response.status_code": 200,
      "db.system": "postgresql",
      "db.operation.name": "SELECT",
    });
    // A route is a contract's path, nothing a request could write.
    expect(guardAttributes({ "hub.route": "/internal/victim-access?id=3f2a9c1e" })).toEqual({});
    expect(guardAttributes({ "hub.ids": "12" })).toEqual({});
    expect(guardAttributes({ "db.operation.name": "DROP" })).toEqual({ "db.operation.name": "other" });
  });

  it("follows the operator's list of operation names (HUB_METRICS_OPERATIONS)", () => {
    operationLabels.allowOnly(new Set(["NationalsDashboard"]));
    try {
      expect(guardAttributes({ "graphql.operation.name": "MariaSantos" })).toEqual({
        "graphql.operation.name": "other",
      });
    } finally {
      operationLabels.allowOnly(undefined);
    }
  });

  it("exports span names of its list only", () => {
    expect(guardSpanName("gateway.fetch")).toBe("gateway.fetch");
    expect(guardSpanName("sql")).toBe("sql");
    expect(guardSpanName("SELECT legal_name FROM victim WHERE legal_name = 'Ana'")).toBe("span");
  });
});

describe("a statement's shape", () => {
  it("keeps keywords, identifiers and placeholders, and turns every literal into ?", () => {
    expect(
      statementShape(
        `SELECT "v"."legal_name" AS "v_legal_name", $1::int4 FROM victim "v"
         WHERE "v"."id" IN ('3f2a9c1e-4b7d-4e21-9a6b-0c5d8e7f1a2b', 'it''s') AND age > 18.5 LIMIT 101 -- Ana
         /* case MS-2026-0042 */`,
      ),
    ).toBe(
      `SELECT "v"."legal_name" AS "v_legal_name", $1::int4 FROM victim "v" WHERE "v"."id" IN (?, ?) AND age > ? LIMIT ?`,
    );
    expect(statementShape("SELECT E'Ana\\'s', $tag$Maria$tag$, $$Santos$$, x'ff', 1e5 FROM t2")).toBe(
      "SELECT ?, ?, ?, x?, ? FROM t2",
    );
    expect(statementShape("SELECT audit_append($1::jsonb)")).toBe("SELECT audit_append($1::jsonb)");
    // An unterminated literal still hides the rest.
    expect(statementShape("SELECT 'Ana Demo")).toBe("SELECT ?");
  });

  it("is its own shape, and is cut at the limit", () => {
    const long = `INSERT INTO victim (legal_name) VALUES ${Array.from({ length: 2000 }, (_, index) => `('Person ${index}')`).join(", ")}`;
    const shape = statementShape(long);
    expect(shape.length).toBeLessThanOrEqual(MAX_STATEMENT_LENGTH);
    expect(shape).not.toMatch(/Person/);
    expect(statementShape(shape)).toBe(shape);
  });
});

describe("a span before export", () => {
  it("loses its events, its status message, its trace state and its links' attributes", () => {
    const spanContext = {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: TraceFlags.SAMPLED,
      traceState: new TraceState("hub=Ana"),
    };
    const span: ReadableSpan = {
      name: "gateway.request",
      kind: 0,
      spanContext: () => spanContext,
      startTime: [0, 0],
      endTime: [0, 1],
      duration: [0, 1],
      ended: true,
      status: { code: SpanStatusCode.ERROR, message: 'Variable "$name" got invalid value "Ana"' },
      attributes: { "graphql.operation.name": "Dashboard", "graphql.document": "{ victim(id: 1) }" },
      links: [{ context: spanContext, attributes: { name: "Ana" } }],
      events: [{ name: "exception", time: [0, 0], attributes: { "exception.message": "Ana" } }],
      resource: Resource.empty(),
      instrumentationLibrary: { name: "test" },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
    const guarded = guardedSpan(span);
    expect(guarded.events).toEqual([]);
    expect(guarded.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(guarded.spanContext().traceState).toBeUndefined();
    expect(guarded.spanContext().traceId).toBe(spanContext.traceId);
    expect(guarded.links).toEqual([{ context: { ...spanContext, traceState: undefined } }]);
    expect(guarded.attributes).toEqual({ "graphql.operation.name": "Dashboard" });
    expect(guarded.droppedAttributesCount).toBe(1);
    expect(guarded.droppedEventsCount).toBe(1);
  });
});

describe("on (an endpoint set), in this process", () => {
  it("exports to the endpoint, over OTLP/HTTP JSON, only what the guard let through", async () => {
    const tracing = startTracing("victims", ["gateway"], { tracesEndpoint: `${receiver.url}/v1/traces` });
    expect(tracing).toBeDefined();
    expect(tracingOn()).toBe(true);
    expect(propagation.fields()).toEqual(["traceparent", "tracestate"]);
    const tracer = trace.getTracer("test");
    const root = tracer.startSpan("subgraph.request", {
      attributes: { "graphql.operation.name": "Case_MS_2026_0042", "enduser.id": "Ana Demo" },
    });
    const headers: Record<string, string> = {};
    await context.with(trace.setSpan(context.active(), root), async () => {
      await inSpan("audit.append", { "hub.audit.requests": 2, "hub.audit.entries": 3 }, async () => {
        const sql = startSqlSpan({ text: "SELECT * FROM victim WHERE legal_name = 'Ana Demo'", values: ["x"] });
        expect(sql).toBeDefined();
        endSqlSpan(sql!, false);
      });
      injectTraceContext((name, value) => (headers[name] = value));
    });
    root.end();
    // Outside any request: no span at all (migrations, readiness checks, timers).
    expect(startSqlSpan("SELECT 1")).toBeUndefined();
    await tracing!.shutdown();

    expect(headers.traceparent).toMatch(new RegExp(`^00-${root.spanContext().traceId}-[0-9a-f]{16}-01$`));
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) {
      expect(request).toMatchObject({ method: "POST", path: "/v1/traces" });
      expect(request.contentType).toMatch(/^application\/json/);
    }
    const byName = new Map(receiver.spans.map((span) => [span.name, span]));
    expect([...byName.keys()].sort()).toEqual(["audit.append", "sql", "subgraph.request"]);
    expect(byName.get("subgraph.request")!.attributes).toEqual({ "graphql.operation.name": "other" });
    expect(byName.get("audit.append")!.attributes).toEqual({
      "hub.audit.requests": 2,
      "hub.audit.entries": 3,
      "hub.outcome": "ok",
    });
    expect(byName.get("sql")!.attributes).toEqual({
      "db.system": "postgresql",
      "db.operation.name": "SELECT",
      "db.query.text": "SELECT * FROM victim WHERE legal_name = ?",
      "hub.outcome": "ok",
    });
    expect(byName.get("sql")!.parentSpanId).toBe(byName.get("audit.append")!.spanId);
    expect(byName.get("audit.append")!.parentSpanId).toBe(byName.get("subgraph.request")!.spanId);
    for (const span of receiver.spans) expect(span.service).toBe("victims");
    expect(receiver.bodies.join("\n")).not.toMatch(/Ana|MS_2026|"x"/);
  });
});
