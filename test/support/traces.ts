/**
 * An OTLP/HTTP traces receiver of a test's own: a node:http server taking what the hub's
 * exporters send (OTLP JSON, `POST /v1/traces`), keeping every body as received and the
 * spans in it, decoded. Nothing stands in for the exporter: the processes send for real.
 */
import { createServer, type Server } from "node:http";

export interface ReceivedSpan {
  /** `service.name` of the process that exported it. */
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  /** Everything else the span carried beside its attributes, as received (events, links, status, trace state). */
  raw: Record<string, unknown>;
}

export interface TraceReceiver {
  url: string;
  /** Every body received, as text, in order. */
  bodies: string[];
  spans: ReceivedSpan[];
  /** Every request's method, path and content type. */
  requests: Array<{ method: string; path: string; contentType: string }>;
  /** Resolves once `accept` holds for the spans received so far (polled), or fails after `timeoutMs`. */
  waitFor(accept: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves once nothing has arrived for `quietMs` (each exporter has sent what it held), at most after `timeoutMs`. */
  settled(quietMs: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpKeyValue[];
  [other: string]: unknown;
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

function valueOf(value: OtlpValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

const attributesOf = (list: OtlpKeyValue[] | undefined) =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));

/** The spans of one OTLP JSON export request. */
export function decodeExport(body: string): ReceivedSpan[] {
  const parsed = JSON.parse(body) as OtlpExport;
  return (parsed.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)["service.name"] ?? "");
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map(({ traceId, spanId, parentSpanId, name, kind, attributes, ...raw }) => ({
        service,
        traceId,
        spanId,
        parentSpanId: parentSpanId ?? "",
        name,
        kind,
        attributes: attributesOf(attributes),
        raw,
      })),
    );
  });
}

export async function startTraceReceiver(port: number): Promise<TraceReceiver> {
  const bodies: string[] = [];
  const spans: ReceivedSpan[] = [];
  const requests: TraceReceiver["requests"] = [];
  let lastArrival = Date.now();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      lastArrival = Date.now();
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        contentType: request.headers["content-type"] ?? "",
      });
      bodies.push(body);
      try {
        spans.push(...decodeExport(body));
      } catch {
        // Kept in `bodies`: a test that reads them sees what could not be decoded.
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    spans,
    requests,
    async waitFor(accept, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!accept(spans)) {
        if (Date.now() > deadline) throw new Error(`the spans awaited did not arrive within ${timeoutMs / 1000}s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async settled(quietMs, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() - lastArrival < quietMs && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The chain of a span's ancestors within its trace, nearest first (those received). */
export function ancestorsOf(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.filter((s) => s.traceId === span.traceId).map((s) => [s.spanId, s]));
  const chain: ReceivedSpan[] = [];
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) chain.push(parent);
  return chain;
}
