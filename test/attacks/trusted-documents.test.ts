/**
 * Attack: a stolen token against a gateway that requires trusted documents
 * (gateway/trusted-documents.ts). The thief may run only what the token's organisation
 * registered: no other text (not even parsed), no other organisation's documents — and
 * whether an id is another partner's or nobody's cannot be told apart — and a registered
 * document is held to every rule an ad-hoc one is.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { documentIdOf, MANIFEST_FORMAT } from "../../gateway/trusted-documents";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { gatewayUrl, PERSONAS, tokenFor } from "../support/hub";
import { startOwnGateway, stopHubProcess } from "../support/metrics";
import type { HubProcess } from "../support/processes";
import { testPort } from "../support/state";

const REQUIRE_PORT = testPort(100);
const ALLOW_PORT = testPort(101);
const requireUrl = `http://127.0.0.1:${REQUIRE_PORT}/graphql`;
const allowUrl = `http://127.0.0.1:${ALLOW_PORT}/graphql`;

const EMBASSY = PERSONAS.embassyPH;
const NGO = { role: "ngo", org: "ngo-trusted-documents" } as const;

const DASHBOARD = `query Dashboard { nationals(first: 5) { edges { node { id caseNumber } } } }`;
/** Registered by the embassy although its role may never read testimony: registration widens nothing. */
const WITH_TESTIMONY = `query WithTestimony { nationals(first: 5) { edges { node { id testimony } } } }`;
const NGO_CASES = `query NgoCases { victims(first: 5) { edges { node { id legalName } } } }`;

const manifest = (operations: Array<{ name: string; body: string }>) => ({
  format: MANIFEST_FORMAT,
  version: 1,
  operations: operations.map(({ name, body }) => ({ id: documentIdOf(body), name, type: "query", body })),
});

let dir: string;
let requiring: HubProcess | undefined;
let allowing: HubProcess | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "trusted-documents-"));
  fs.writeFileSync(
    path.join(dir, `${EMBASSY.org}.json`),
    JSON.stringify(
      manifest([
        { name: "Dashboard", body: DASHBOARD },
        { name: "WithTestimony", body: WITH_TESTIMONY },
      ]),
    ),
  );
  fs.writeFileSync(
    path.join(dir, `${NGO.org}.json`),
    JSON.stringify(manifest([{ name: "NgoCases", body: NGO_CASES }])),
  );
  [requiring, allowing] = await Promise.all([
    startOwnGateway("gateway-trusted-require", REQUIRE_PORT, {
      HUB_TRUSTED_DOCUMENTS_DIR: dir,
      HUB_TRUSTED_DOCUMENTS: "require",
    }),
    startOwnGateway("gateway-trusted-allow", ALLOW_PORT, {
      HUB_TRUSTED_DOCUMENTS_DIR: dir,
      HUB_TRUSTED_DOCUMENTS: "allow",
    }),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all([requiring, allowing].map((gateway) => gateway && stopHubProcess(gateway)));
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, persona: DevTokenRequest, body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${tokenFor(persona)}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

const byHash = (body: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: documentIdOf(body) } } });
const codes = (answer: Answer) => (answer.body.errors ?? []).map((error) => error.extensions?.code);
/** An answer without its request id (which differs between any two requests). */
const comparable = (answer: Answer) => ({
  status: answer.status,
  data: answer.body.data,
  errors: answer.body.errors?.map(({ message, extensions }) => ({ message, code: extensions?.code })),
});

describe("with trusted documents required, a stolen token runs only its organisation's documents", () => {
  it("control: the embassy's registered dashboard runs by its hash, by documentId and as its own text, as it does ad hoc", async () => {
    const adHoc = await post(gatewayUrl(), EMBASSY, { query: DASHBOARD });
    expect(adHoc.status).toBe(200);
    expect((adHoc.body.data as { nationals: { edges: unknown[] } }).nationals.edges.length).toBeGreaterThan(0);
    for (const request of [
      byHash(DASHBOARD),
      { documentId: `sha256:${documentIdOf(DASHBOARD)}` },
      { documentId: documentIdOf(DASHBOARD) },
      { query: DASHBOARD },
    ])
      expect(comparable(await post(requireUrl, EMBASSY, request))).toEqual(comparable(adHoc));
  });

  it("any other text is refused before it is parsed: PERSISTED_QUERY_NOT_FOUND, HTTP 400, even for text that is no GraphQL", async () => {
    for (const query of [`{ nationals(first: 1) { edges { node { id legalName } } } }`, "{{{ not graphql"]) {
      const refused = await post(requireUrl, EMBASSY, { query });
      expect({ status: refused.status, codes: codes(refused), data: refused.body.data }).toEqual({
        status: 400,
        codes: ["PERSISTED_QUERY_NOT_FOUND"],
        data: undefined,
      });
    }
    // Control: the allowing gateway parses the same broken text (so the refusal above came first).
    expect(codes(await post(allowUrl, EMBASSY, { query: "{{{ not graphql" }))).toEqual(["GRAPHQL_PARSE_FAILED"]);
  });

  it("another organisation's document is refused exactly as an id nobody registered", async () => {
    const theirs = await post(requireUrl, EMBASSY, byHash(NGO_CASES));
    const nobodys = await post(requireUrl, EMBASSY, byHash(`query Nobody { __typename }`));
    const theirText = await post(requireUrl, EMBASSY, { query: NGO_CASES });
    expect(comparable(theirs)).toEqual(comparable(nobodys));
    expect(comparable(theirText)).toEqual(comparable(nobodys));
    expect(codes(theirs)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    // Control: the organisation that registered it runs it.
    const own = await post(requireUrl, NGO, byHash(NGO_CASES));
    expect({ status: own.status, errors: own.body.errors }).toEqual({ status: 200, errors: undefined });
  });

  it("a registered document is held to the field rules: testimony is refused to the embassy as it is ad hoc", async () => {
    const registered = await post(requireUrl, EMBASSY, byHash(WITH_TESTIMONY));
    const adHoc = await post(gatewayUrl(), EMBASSY, { query: WITH_TESTIMONY });
    expect(codes(registered)).toContain("UNAUTHORIZED_FIELD_OR_TYPE");
    expect(comparable(registered)).toEqual(comparable(adHoc));
    const nodes = (registered.body.data as { nationals: { edges: Array<{ node: { testimony: unknown } }> } }).nationals
      .edges;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.map((edge) => edge.node.testimony).filter((testimony) => testimony !== null)).toEqual([]);
  });

  it("a request naming one document with another's text is refused, and the text does not run", async () => {
    const mixed = await post(requireUrl, EMBASSY, { query: WITH_TESTIMONY, ...byHash(DASHBOARD) });
    expect({ status: mixed.status, codes: codes(mixed) }).toEqual({ status: 400, codes: ["BAD_REQUEST"] });
  });

  it("a GET can neither name a document nor run unregistered text", async () => {
    const headers = { authorization: `Bearer ${tokenFor(EMBASSY)}`, "apollo-require-preflight": "true" };
    const named = await fetch(`${requireUrl}?documentId=${documentIdOf(DASHBOARD)}`, { headers });
    expect(named.status).toBe(400);
    const text = await fetch(`${requireUrl}?query=${encodeURIComponent("{ __typename }")}`, { headers });
    expect({ status: text.status, body: await text.json() }).toEqual({
      status: 400,
      body: {
        errors: [
          expect.objectContaining({ extensions: expect.objectContaining({ code: "PERSISTED_QUERY_NOT_FOUND" }) }),
        ],
      },
    });
  });
});

describe("with trusted documents allowed (development), documents resolve and ad-hoc text runs", () => {
  it("a registered id runs; an unknown id alone is PERSISTED_QUERY_NOT_FOUND; with its own text (Apollo Client's retry) it runs ad hoc", async () => {
    expect((await post(allowUrl, EMBASSY, byHash(DASHBOARD))).body.errors).toBeUndefined();
    const adHocText = `query Other { nationals(first: 1) { edges { node { id } } } }`;
    expect(codes(await post(allowUrl, EMBASSY, byHash(adHocText)))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    const retried = await post(allowUrl, EMBASSY, { query: adHocText, ...byHash(adHocText) });
    expect({ status: retried.status, errors: retried.body.errors }).toEqual({ status: 200, errors: undefined });
    expect((await post(allowUrl, EMBASSY, { query: adHocText })).body.errors).toBeUndefined();
  });
});
