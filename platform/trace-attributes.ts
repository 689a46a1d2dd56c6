/**
 * What a span may say (tracing.ts): the one guard every span passes before it is exported.
 * Apart from the SDK, so the rules are tested alone (test/in-process/tracing.test.ts), as
 * metric-labels.ts is for the metrics.
 *
 * A span leaves the process only with a name from SPAN_NAMES and attributes from
 * ATTRIBUTE_RULES, each value passed through its key's rule: fixed sets (outcomes, error
 * codes, operation kinds, the hub's own process names), counts, route paths of the hub's
 * contracts, operation names by the metrics' rule (and the operator's list,
 * HUB_METRICS_OPERATIONS), and SQL reduced to its shape — every literal a `?`, so a value a
 * statement inlined never leaves. Any other key is dropped, whoever set it (Apollo's gateway
 * sets its own). Events (exception messages can quote a variable), status messages and link
 * attributes are dropped too. No rule takes a variable, an id, a token or the document text.
 */
import type { AttributeValue, Attributes } from "@opentelemetry/api";
import { codeLabel, operationLabels } from "./metrics";

/** Span names that may be exported; any other is exported as `span`. */
export const SPAN_NAMES = new Set([
  // @apollo/gateway's own (its utilities/opentelemetry.ts).
  "gateway.request",
  "gateway.validate",
  "gateway.plan",
  "gateway.execute",
  "gateway.fetch",
  "gateway.postprocessing",
  // The hub's (tracing.ts).
  "subgraph.request",
  "service.question",
  "service.order",
  "service.answer",
  "sql",
  "audit.append",
]);

/** Process names of this hub (the gateway and the topology's subgraphs), set at start: what `service` and `hub.peer` may name. */
const processNames = new Set<string>();
export function allowProcessNames(names: Iterable<string>): void {
  for (const name of names) processNames.add(name);
}

type Rule = (value: AttributeValue) => AttributeValue | undefined;

const oneOf =
  (...allowed: string[]): Rule =>
  (value) =>
    typeof value === "string" && allowed.includes(value) ? value : undefined;

const hubProcess: Rule = (value) => (typeof value === "string" && processNames.has(value) ? value : undefined);

/** A count or a size: a whole number, never a string that could hold anything. */
const count: Rule = (value) =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

const statusCode: Rule = (value) =>
  typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;

/** A contract's path (contracts/*.ts): fixed text of the hub's code, never a request's. */
const ROUTE_PATH = /^\/internal\/[a-z0-9-]+(?:\/[a-z0-9-]+)*$/;
const routePath: Rule = (value) =>
  typeof value === "string" && value.length <= 64 && ROUTE_PATH.test(value) ? value : undefined;

/** Clients choose operation names: the metrics' bound (metric-labels.ts) and the operator's list apply. */
const operationName: Rule = (value) => operationLabels.of(typeof value === "string" ? value : undefined);

const errorCodes: Rule = (value) => {
  if (!Array.isArray(value)) return undefined;
  return [...new Set(value.map((code) => codeLabel(code)))].sort();
};

const SQL_KEYWORDS = new Set([
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "WITH",
  "START",
  "BEGIN",
  "COMMIT",
  "ROLLBACK",
  "SAVEPOINT",
  "RELEASE",
  "SET",
  "SHOW",
  "LOCK",
  "ANALYZE",
]);
const sqlOperation: Rule = (value) =>
  typeof value === "string" && SQL_KEYWORDS.has(value.toUpperCase()) ? value.toUpperCase() : "other";

/** Longer statements are cut: the shape is for telling statements apart, not for replaying them. */
export const MAX_STATEMENT_LENGTH = 2000;

/**
 * A statement's shape: keywords, identifiers and `$n` placeholders only. Comments go, and
 * every literal — strings ('…', E'…', $tag$…$tag$), numbers — becomes `?`, so a value a
 * query inlined instead of binding never reaches a span. Idempotent: a shape is its own shape.
 */
export function statementShape(sql: string): string {
  const shape = sql
    .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, " ")
    .replace(/--[^\n]*/g, " ")
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?(?:\$\1\$|$)/g, "?")
    .replace(/(?<![A-Za-z0-9_])[eE]'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)/g, "?")
    .replace(/'(?:[^']|'')*(?:'|$)/g, "?")
    .replace(/(?<![A-Za-z0-9_$"])\d+(?:\.\d*)?(?:[eE][+-]?\d+)?/g, "?")
    .replace(/\s+/g, " ")
    .trim();
  return shape.length > MAX_STATEMENT_LENGTH ? `${shape.slice(0, MAX_STATEMENT_LENGTH - 1)}…` : shape;
}

const statement: Rule = (value) => (typeof value === "string" ? statementShape(value) : undefined);

/** Every attribute key a span may carry, and the rule its value passes. */
export const ATTRIBUTE_RULES: Readonly<Record<string, Rule>> = {
  // Apollo's gateway spans: the operation (also under its deprecated key) and its kind; the subgraph of a fetch.
  "graphql.operation.name": operationName,
  operationName: operationName,
  "graphql.operation.type": oneOf("query", "mutation", "subscription"),
  service: hubProcess,
  // A subgraph's request, and the hub's own outcome and codes.
  "hub.outcome": oneOf("ok", "error"),
  "hub.error_codes": errorCodes,
  "hub.signer": hubProcess,
  // Service questions (internal-api.ts): the route, who is asked, how many ids — never which.
  "hub.route": routePath,
  "hub.peer": hubProcess,
  "hub.ids": count,
  "http.response.status_code": statusCode,
  // SQL: the shape of the statement, never its parameters.
  "db.system": oneOf("postgresql"),
  "db.operation.name": sqlOperation,
  "db.query.text": statement,
  // The audit's group commit: requests and entries in one append.
  "hub.audit.requests": count,
  "hub.audit.entries": count,
};

/** The attributes that may be exported, each through its key's rule; every other key is dropped. */
export function guardAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    const rule = Object.hasOwn(ATTRIBUTE_RULES, key) ? ATTRIBUTE_RULES[key] : undefined;
    if (!rule || value === undefined) continue;
    const allowed = rule(value);
    if (allowed !== undefined) kept[key] = allowed;
  }
  return kept;
}

export function guardSpanName(name: string): string {
  return SPAN_NAMES.has(name) ? name : "span";
}
