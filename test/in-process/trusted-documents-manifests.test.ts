/**
 * Trusted-document manifests are read whole or not at all (gateway/trusted-documents.ts), and
 * the gateway's settings default as documented (docs/trusted-documents.md).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  documentIdOf,
  loadTrustedDocuments,
  manifestFromSources,
  MANIFEST_FORMAT,
} from "../../gateway/trusted-documents";
import { ConfigError, loadGatewayConfig } from "../../platform/config";
import { SUBGRAPHS } from "../../subgraphs/index";

const BODY = "query Dashboard { nationals(first: 5) { edges { node { id } } } }";
const entry = (overrides: Record<string, unknown> = {}) => ({
  id: documentIdOf(BODY),
  name: "Dashboard",
  type: "query",
  body: BODY,
  ...overrides,
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifests-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (file: string, content: unknown) =>
  fs.writeFileSync(path.join(dir, file), typeof content === "string" ? content : JSON.stringify(content));
const manifest = (operations: unknown[]) => ({ format: MANIFEST_FORMAT, version: 1, operations });

describe("loading manifests", () => {
  it("reads one manifest per organisation, keyed by the SHA-256 of each body", () => {
    write("embassy-PH.json", manifest([entry()]));
    write("ngo-a.json", manifest([]));
    const documents = loadTrustedDocuments(dir);
    expect([...documents.keys()].sort()).toEqual(["embassy-PH", "ngo-a"]);
    expect(documents.get("embassy-PH")?.get(documentIdOf(BODY))).toEqual(entry());
    expect(documents.get("ngo-a")?.size).toBe(0);
  });

  it.each([
    ["an id that is not its body's SHA-256", manifest([entry({ id: documentIdOf(`${BODY} `) })]), "not the SHA-256"],
    ["a repeated id", manifest([entry(), entry()]), "appears twice"],
    ["an unknown type", manifest([entry({ type: "fragment" })]), "type must be"],
    ["a name no metric label may carry", manifest([entry({ name: "a b" })]), "admissible operation name"],
    ["another format", { format: "relay", version: 1, operations: [] }, "version 1"],
    ["text that is not JSON", "{", "not JSON"],
  ])("refuses to start on %s, naming the problem", (_case, content, problem) => {
    write("embassy-PH.json", content);
    expect(() => loadTrustedDocuments(dir)).toThrow(problem);
  });

  it("refuses a file that is not named for an organisation", () => {
    write("embassy PH.json", manifest([]));
    expect(() => loadTrustedDocuments(dir)).toThrow("named <organisation id>.json");
  });
});

describe("a manifest from .graphql sources", () => {
  const sources = [
    `query Nationals($first: Int!) { nationals(first: $first) { edges { node { ...Person } } } }
     mutation Decide($id: ID!) { decideVerification(id: $id, confirmed: true) { id } }`,
    `fragment Person on Victim { id caseNumber ...Placement }
     fragment Placement on Victim { currentPlacement { shelter { name } } }
     fragment Unused on Victim { legalName }`,
  ];

  it("has one entry per operation, with the fragments it uses (and only those), and loads as a manifest", () => {
    const manifest = manifestFromSources(sources);
    expect(manifest.operations.map(({ name, type }) => ({ name, type }))).toEqual([
      { name: "Nationals", type: "query" },
      { name: "Decide", type: "mutation" },
    ]);
    const nationals = manifest.operations[0].body;
    expect(nationals).toContain("fragment Person on Victim");
    expect(nationals).toContain("fragment Placement on Victim");
    expect(nationals).not.toContain("Unused");
    expect(manifest.operations[1].body).not.toContain("fragment");
    write("embassy-PH.json", manifest);
    expect([...(loadTrustedDocuments(dir).get("embassy-PH")?.keys() ?? [])]).toEqual(
      manifest.operations.map((operation) => operation.id),
    );
  });

  it("refuses an operation without a name and a fragment no source defines", () => {
    expect(() => manifestFromSources(["{ nationals(first: 1) { edges { node { id } } } }"])).toThrow("needs a name");
    expect(() => manifestFromSources(["query A { nationals(first: 1) { edges { node { ...Missing } } } }"])).toThrow(
      "no source defines",
    );
  });
});

describe("settings", () => {
  const production = {
    NODE_ENV: "production",
    JWT_PUBLIC_KEY_FILE: "/k.pem",
    JWT_ISSUER: "i",
    JWT_AUDIENCE: "a",
    HUB_REQUEST_SIGNING_KEY_FILE: "/s.pem",
  };
  it("allow in development; in production require once a directory is set, else off", () => {
    expect(loadGatewayConfig(SUBGRAPHS, {}).trustedDocuments).toEqual({ mode: "allow", dir: undefined });
    expect(loadGatewayConfig(SUBGRAPHS, production).trustedDocuments).toEqual({ mode: "off", dir: undefined });
    expect(
      loadGatewayConfig(SUBGRAPHS, { ...production, HUB_TRUSTED_DOCUMENTS_DIR: "/docs" }).trustedDocuments,
    ).toEqual({ mode: "require", dir: "/docs" });
  });

  it("require without a directory is a configuration problem", () => {
    expect(() => loadGatewayConfig(SUBGRAPHS, { HUB_TRUSTED_DOCUMENTS: "require" })).toThrow(ConfigError);
  });
});
