/**
 * OpenTelemetry traces of a hub process (docs/operations.md, "Traces"): one trace per client
 * request, across the gateway and every subgraph it reaches.
 *
 * Off unless an OTLP endpoint is configured (config.ts `tracesEndpoint`): then nothing is
 * registered — no tracer provider, no context manager (its AsyncLocalStorage would cost on
 * every promise, docs/performance.md), no propagator — and every helper here returns at its
 * first line; the subgraph's request span and the SQL spans are not even installed.
 *
 * On: the SDK's NodeTracerProvider with a BatchSpanProcessor and the OTLP/HTTP (JSON)
 * exporter, `service.name` the process's name, W3C trace context only (no baggage: it would
 * carry key-values from process to process). @apollo/gateway makes its own spans through
 * the API (gateway.request, .plan, .fetch, …); the hub adds a subgraph's request, its service
 * questions and answers, its SQL statements and audit appends. Every span passes
 * `GuardedSpanProcessor` before the exporter: the attribute rules of trace-attributes.ts.
 *
 * `traceparent` is not covered by the hub's request signature: a proxy or mesh on the way may
 * rewrite it, and it changes only where a subgraph's spans hang, never what it answers. It is
 * read only here, and only after the signature gate; the gateway never reads a client's.
 */
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { envDetectorSync, Resource } from "@opentelemetry/resources";
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { RequestHandler } from "express";
import { allowProcessNames, guardAttributes, guardSpanName } from "./trace-attributes";

/** The process's provider while tracing is on; undefined: off, and every helper returns at once. */
let provider: NodeTracerProvider | undefined;

export function tracingOn(): boolean {
  return provider !== undefined;
}

const tracer = () => trace.getTracer("survivor-hub");

/**
 * What a span becomes before it is exported: its name and attributes through the guard
 * (trace-attributes.ts), no events (an exception's message can quote a variable), no status
 * message, links without attributes, no trace state (a header value: anything could be in it).
 */
export function guardedSpan(span: ReadableSpan): ReadableSpan {
  const attributes = guardAttributes(span.attributes);
  const dropped = Object.keys(span.attributes).length - Object.keys(attributes).length;
  return {
    name: guardSpanName(span.name),
    kind: span.kind,
    spanContext: () => ({ ...span.spanContext(), traceState: undefined }),
    parentSpanId: span.parentSpanId,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status: { code: span.status.code },
    attributes,
    links: span.links.map((link) => ({ context: { ...link.context, traceState: undefined } })),
    events: [],
    resource: span.resource,
    instrumentationLibrary: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount + dropped,
    droppedEventsCount: span.droppedEventsCount + span.events.length,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Hands only guarded spans on (to the batch processor and its exporter): the one way out of the process. */
export class GuardedSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(): void {
    // Nothing leaves at a span's start; the batch processor does nothing then either.
  }
  onEnd(span: ReadableSpan): void {
    this.next.onEnd(guardedSpan(span));
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

export interface Tracing {
  /** Exports what is left (at most SHUTDOWN_MS: a collector that is down must not hold up a stop). */
  shutdown(): Promise<void>;
}

const SHUTDOWN_MS = 3000;

/**
 * Starts tracing for the process `service` (`gateway`, a subgraph's name) if `endpoint` is
 * set; `processes`: the hub's process names, which the attributes naming a process may hold.
 * Undefined, and nothing registered, when it is not.
 */
export function startTracing(
  service: string,
  processes: Iterable<string>,
  settings: { tracesEndpoint?: string },
): Tracing | undefined {
  if (!settings.tracesEndpoint) return undefined;
  if (provider) throw new Error("tracing is started once per process");
  allowProcessNames([service, ...processes]);
  // OTEL_RESOURCE_ATTRIBUTES (the operator's: deployment.environment, …), then the process's own name, which wins.
  const resource = Resource.default()
    .merge(envDetectorSync.detect())
    .merge(new Resource({ "service.name": service }));
  // The exporter reads the rest of its settings (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION) itself;
  // the provider its sampler (OTEL_TRACES_SAMPLER), the batch processor OTEL_BSP_*.
  const exporter = new OTLPTraceExporter({ url: settings.tracesEndpoint });
  const started = new NodeTracerProvider({
    resource,
    mergeResourceWithDefaults: false,
    spanProcessors: [new GuardedSpanProcessor(new BatchSpanProcessor(exporter))],
  });
  started.register({ propagator: new W3CTraceContextPropagator() });
  provider = started;
  return {
    shutdown: () =>
      Promise.race([
        started.shutdown().catch(() => undefined),
        new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_MS).unref()),
      ]),
  };
}

/** Adds the current trace context (`traceparent`) to a request a hub process sends; nothing when off. */
export function injectTraceContext(set: (name: string, value: string) => void): void {
  if (!provider) return;
  propagation.inject(context.active(), undefined, { set: (_carrier, name, value) => set(name, value) });
}

/** The context now, for work that runs later in another request's (the audit's group commit); undefined when off. */
export function currentTraceContext(): Context | undefined {
  return provider ? context.active() : undefined;
}

/** Adds attributes to the span under way (through the guard on export); nothing when off. */
export function noteOnSpan(attributes: Attributes): void {
  if (!provider) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}

/**
 * Runs `work` in a span of its own, a child of `parent` (default: the current context), and
 * notes its outcome. Only a step of a request is traced: with no span under way (start-up,
 * timers, readiness checks) `work` runs alone. When off, it is `work()`.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
  options: { kind?: SpanKind; parent?: Context; links?: Context[] } = {},
): Promise<T> {
  if (!provider) return work();
  const parent = options.parent ?? context.active();
  if (!trace.getSpan(parent)) return work();
  const links = (options.links ?? []).flatMap((linked) => {
    const span = trace.getSpan(linked);
    return span ? [{ context: span.spanContext() }] : [];
  });
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes, links }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), work);
    span.setAttribute("hub.outcome", "ok");
    return result;
  } catch (error) {
    span.setAttribute("hub.outcome", "error");
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/** The first word of a statement: what it does (SELECT, INSERT, …; the guard knows the list). */
function operationOf(sql: string): string {
  return /^\s*([A-Za-z]+)/.exec(sql)?.[1] ?? "";
}

/**
 * A span for one SQL statement at the driver (database.ts), if a request's span is under
 * way; the text's shape only is exported (trace-attributes.ts statementShape), never its
 * parameters. Call only while tracing is on.
 */
export function startSqlSpan(query: unknown): Span | undefined {
  const parent = context.active();
  if (!trace.getSpan(parent)) return undefined;
  const text = typeof query === "string" ? query : (query as { text?: unknown } | null)?.text;
  const sql = typeof text === "string" ? text : "";
  return tracer().startSpan(
    "sql",
    {
      kind: SpanKind.CLIENT,
      attributes: { "db.system": "postgresql", "db.operation.name": operationOf(sql), "db.query.text": sql },
    },
    parent,
  );
}

export function endSqlSpan(span: Span, failed: boolean): void {
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute("hub.outcome", failed ? "error" : "ok");
  span.end();
}

/**
 * A subgraph's server span for each signed request it answers on /graphql (`subgraph.request`)
 * or a service route of its own (`service.answer`), a child of the sender's span when the
 * request carries a `traceparent`. Mounted after the signature gate, and only while tracing is on.
 */
export function traceSubgraphRequests(routePaths: readonly string[]): RequestHandler {
  const routes = new Set(routePaths);
  return (request, response, next) => {
    const route = routes.has(request.path) ? request.path : undefined;
    if (!route && request.path !== "/graphql") return next();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer().startSpan(
      route ? "service.answer" : "subgraph.request",
      {
        kind: SpanKind.SERVER,
        attributes: { "hub.signer": String(response.locals.signer ?? ""), ...(route ? { "hub.route": route } : {}) },
      },
      parent,
    );
    response.once("close", () => {
      span.setAttribute("http.response.status_code", response.statusCode);
      if (route) span.setAttribute("hub.outcome", response.statusCode === 200 ? "ok" : "error");
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * Notes a subgraph request's operation (name, kind), outcome and error codes on its span.
 * A server's plugin only while tracing is on.
 */
export function requestTracingPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const span = trace.getActiveSpan();
      if (!span) return;
      const given = request.operationName;
      return {
        async didResolveOperation({ operation }) {
          if (operation) span.setAttribute("graphql.operation.type", operation.operation);
        },
        async willSendResponse({ response, operationName }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          span.setAttributes({
            "graphql.operation.name": operationName ?? given ?? "",
            "hub.outcome": errors?.length ? "error" : "ok",
            "hub.error_codes": (errors ?? []).map((error) => String(error.extensions?.code ?? "")),
          });
          if (errors?.length) span.setStatus({ code: SpanStatusCode.ERROR });
        },
      };
    },
  };
}
