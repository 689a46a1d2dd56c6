/**
 * Trusted documents: each partner organisation registers the operations its apps run, and
 * the gateway can refuse any other (Apollo Router's safelisting with persisted query lists,
 * Hive's and Grafbase's trusted documents). With a stolen token, an attacker can then run
 * only what the partner's own app runs.
 *
 * Manifests are in the format Apollo's tooling writes (`generate-persisted-query-manifest`)
 * and Apollo Router reads: `{ format: "apollo-persisted-query-manifest", version: 1,
 * operations: [{ id, name, type, body }] }`, id = SHA-256 of the body, one file per
 * organisation named `<org>.json` in HUB_TRUSTED_DOCUMENTS_DIR. A request names a document by
 * `extensions.persistedQuery.sha256Hash` (Apollo Client's persisted-queries link) or by
 * `documentId` (the GraphQL-over-HTTP trusted-documents proposal, `sha256:<hex>` or bare
 * hex). The middleware runs after the token is verified and before Apollo parses anything:
 * it swaps the registered text in, so everything after it (field filter, argument rules,
 * limits, subgraphs' record rules) sees an ordinary operation — registration never widens
 * access. Its refusals are the same for an id nobody registered and an id another
 * organisation registered: the answer tells nothing of other partners' manifests.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { RequestHandler } from "express";
import { Kind, parse, print, visit, type ASTNode, type FragmentDefinitionNode } from "graphql";
import type { Caller } from "../platform/auth/claims";
import { ErrorCode } from "../platform/errors";
import { isRecord, sendGraphQLError } from "../platform/http";
import { admissibleOperationName } from "../platform/metric-labels";

/** `off`: ids are not read; `allow`: ids resolve, ad-hoc text runs too; `require`: only the caller's organisation's documents run. */
export type TrustedDocumentsMode = "off" | "allow" | "require";

export interface TrustedDocument {
  id: string;
  name: string;
  type: "query" | "mutation" | "subscription";
  body: string;
}

/** One organisation's manifest file, as Apollo's tooling writes it. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  operations: TrustedDocument[];
}

/** Organisation id → its documents by id. */
export type TrustedDocuments = ReadonlyMap<string, ReadonlyMap<string, TrustedDocument>>;

export const MANIFEST_FORMAT = "apollo-persisted-query-manifest";
/** Apollo's answer when a persisted query's id is unknown: its persisted-queries link knows it. */
export const PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND";

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** The organisation ids tokens carry (platform/auth/claims.ts): letters, digits and dashes. */
const ORGANISATION_FILE = /^([A-Za-z0-9][A-Za-z0-9-]{0,63})\.json$/;
const OPERATION_TYPES = new Set(["query", "mutation", "subscription"]);

export const documentIdOf = (body: string): string => createHash("sha256").update(body, "utf8").digest("hex");

/** `sha256:<hex>` (the trusted-documents proposal's and GraphQL Code Generator's form) or bare hex, as bare hex. */
const bareId = (given: string): string => (given.startsWith("sha256:") ? given.slice("sha256:".length) : given);

/**
 * Reads every `<org>.json` of `dir`. Anything that is not exactly a manifest — another file
 * name, bad JSON, an id that is not its body's SHA-256, a repeated id — stops the start with
 * every problem listed: a half-read list would refuse a partner's app at 3 a.m.
 */
export function loadTrustedDocuments(dir: string): TrustedDocuments {
  const problems: string[] = [];
  const byOrganisation = new Map<string, Map<string, TrustedDocument>>();
  let files: string[];
  try {
    files = fs.readdirSync(dir).sort();
  } catch {
    throw new Error(`HUB_TRUSTED_DOCUMENTS_DIR ${dir} cannot be read`);
  }
  for (const file of files) {
    const organisation = ORGANISATION_FILE.exec(file)?.[1];
    if (!organisation) {
      problems.push(`${file}: a manifest is named <organisation id>.json`);
      continue;
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    } catch {
      problems.push(`${file}: not JSON`);
      continue;
    }
    if (!isRecord(manifest) || manifest.format !== MANIFEST_FORMAT || manifest.version !== 1) {
      problems.push(`${file}: not an ${MANIFEST_FORMAT} of version 1`);
      continue;
    }
    const documents = new Map<string, TrustedDocument>();
    const operations = Array.isArray(manifest.operations) ? manifest.operations : [];
    if (!Array.isArray(manifest.operations)) problems.push(`${file}: \`operations\` must be a list`);
    operations.forEach((operation: unknown, index) => {
      const where = `${file}: operations[${index}]`;
      if (
        !isRecord(operation) ||
        typeof operation.id !== "string" ||
        typeof operation.name !== "string" ||
        typeof operation.type !== "string" ||
        typeof operation.body !== "string"
      )
        return void problems.push(`${where} must have string id, name, type and body`);
      const { id, name, type, body } = operation;
      if (!OPERATION_TYPES.has(type))
        return void problems.push(`${where}: type must be query, mutation or subscription`);
      // Names become metric labels and log fields: the bound every label obeys.
      if (!admissibleOperationName(name))
        return void problems.push(`${where}: name is not an admissible operation name`);
      if (id !== documentIdOf(body)) return void problems.push(`${where}: id is not the SHA-256 of its body`);
      if (documents.has(id)) return void problems.push(`${where}: id appears twice`);
      documents.set(id, { id, name, type: type as TrustedDocument["type"], body });
    });
    byOrganisation.set(organisation, documents);
  }
  if (problems.length > 0) throw new Error(`Trusted documents in ${dir}:\n  ${problems.join("\n  ")}`);
  return byOrganisation;
}

/** Every document name of every manifest (they may become metric labels). */
export function documentNames(documents: TrustedDocuments): Set<string> {
  const names = new Set<string>();
  for (const manifest of documents.values()) for (const document of manifest.values()) names.add(document.name);
  return names;
}

/** The id a request names, normalised, or undefined when it names none; null when what it names is no id at all. */
function namedId(body: Record<string, unknown>): string | null | undefined {
  const persisted = isRecord(body.extensions) ? body.extensions.persistedQuery : undefined;
  const given = body.documentId ?? (isRecord(persisted) ? persisted.sha256Hash : persisted);
  if (given === undefined || given === null) return undefined;
  if (typeof given !== "string") return null;
  const id = bareId(given);
  return SHA256_HEX.test(id) ? id : null;
}

function notFound(response: Parameters<RequestHandler>[1]): void {
  sendGraphQLError(
    response,
    400,
    PERSISTED_QUERY_NOT_FOUND,
    "This operation is not among your organisation's trusted documents",
  );
}

/**
 * The middleware, for `/graphql` after `authenticate`. POST names documents; a GET (whose
 * text Apollo reads from the URL) runs in `require` mode only when its text is a registered
 * document's, unchanged.
 */
export function trustedDocumentsMiddleware(mode: TrustedDocumentsMode, documents: TrustedDocuments): RequestHandler {
  const empty: ReadonlyMap<string, TrustedDocument> = new Map();
  return (request, response, next) => {
    if (mode === "off") return next();
    const caller = response.locals.caller as Caller | undefined;
    // `authenticate` runs first, so there is always a caller; if ever there is none, nothing runs.
    if (!caller) return sendGraphQLError(response, 401, ErrorCode.UNAUTHENTICATED, "A bearer token is required");
    const manifest = documents.get(caller.org) ?? empty;

    if (request.method !== "POST") {
      const query = typeof request.query.query === "string" ? request.query.query : undefined;
      if (request.query.documentId !== undefined || request.query.extensions !== undefined)
        return sendGraphQLError(response, 400, ErrorCode.BAD_REQUEST, "Name a trusted document in a POST request");
      if (mode === "require" && query !== undefined && !manifest.has(documentIdOf(query))) return notFound(response);
      return next();
    }

    const body = request.body as Record<string, unknown>;
    const id = namedId(body);
    const text = typeof body.query === "string" ? body.query : undefined;
    if (id === undefined) {
      if (mode === "require" && text !== undefined) {
        const document = manifest.get(documentIdOf(text));
        if (!document) return notFound(response);
        response.locals.trustedDocument = document.name;
      }
      return next();
    }
    if (id === null) return notFound(response);
    const document = manifest.get(id);
    if (!document) {
      // `allow`: Apollo Client's persisted-queries link retries an unknown id with its text; that text runs ad hoc.
      if (mode === "allow" && text !== undefined && documentIdOf(text) === id) {
        stripId(body);
        return next();
      }
      return notFound(response);
    }
    if (text !== undefined && documentIdOf(text) !== id)
      return sendGraphQLError(response, 400, ErrorCode.BAD_REQUEST, "`query` is not the document the request names");
    stripId(body);
    body.query = document.body;
    response.locals.trustedDocument = document.name;
    next();
  };
}

/** Removes the id the request named: Apollo Server would otherwise treat it as an automatic persisted query. */
function stripId(body: Record<string, unknown>): void {
  delete body.documentId;
  if (isRecord(body.extensions)) {
    const { persistedQuery: _named, ...rest } = body.extensions;
    body.extensions = rest;
  }
}

/**
 * A manifest from GraphQL source texts (`.graphql` files of a partner's app): one entry per
 * named operation, its body the printed operation with the fragments it uses, as Rover's
 * `persisted-queries generate` does for `.graphql` files. Apps on Apollo Client use Apollo's
 * own generator instead (docs/trusted-documents.md), which applies the client's transforms.
 */
export function manifestFromSources(sources: readonly string[]): Manifest {
  const definitions = sources.flatMap((source) => parse(source).definitions);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      if (fragments.has(definition.name.value)) throw new Error(`fragment ${definition.name.value} is defined twice`);
      fragments.set(definition.name.value, definition);
    }
  const operations: TrustedDocument[] = [];
  for (const definition of definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = definition.name?.value;
    if (!name || !admissibleOperationName(name))
      throw new Error(`every operation needs a name a metric label may carry (got ${name ?? "none"})`);
    const used = new Map<string, FragmentDefinitionNode>();
    const pending: ASTNode[] = [definition];
    while (pending.length > 0)
      visit(pending.pop()!, {
        FragmentSpread(spread) {
          const fragment = fragments.get(spread.name.value);
          if (!fragment) throw new Error(`${name} uses fragment ${spread.name.value}, which no source defines`);
          if (used.has(fragment.name.value)) return;
          used.set(fragment.name.value, fragment);
          pending.push(fragment);
        },
      });
    const body = [definition, ...[...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value))]
      .map((node) => print(node))
      .join("\n\n");
    operations.push({ id: documentIdOf(body), name, type: definition.operation, body });
  }
  return { format: MANIFEST_FORMAT, version: 1, operations };
}

/**
 * A manifest from GraphQL Code Generator's `persisted-documents.json` (client preset with
 * `persistedDocuments`: `"sha256:<hex>"` → body), so an app whose bundle carries only the hashes
 * registers exactly what it sends.
 */
export function manifestFromPersistedDocuments(
  persisted: Record<string, unknown>,
): ReturnType<typeof manifestFromSources> {
  const operations: TrustedDocument[] = [];
  for (const [key, body] of Object.entries(persisted)) {
    const id = bareId(key);
    if (typeof body !== "string" || id !== documentIdOf(body)) throw new Error(`${key} is not the SHA-256 of its body`);
    const operation = parse(body).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    const name = operation?.name?.value;
    if (!operation || !name || !admissibleOperationName(name))
      throw new Error(`${key}: every operation needs a name a metric label may carry`);
    operations.push({ id, name, type: operation.operation, body });
  }
  return { format: MANIFEST_FORMAT, version: 1, operations: operations.sort((a, b) => a.name.localeCompare(b.name)) };
}
