/**
 * The embedded database of a subgraph, end to end in a real process: with no
 * `<SUBGRAPH>_DATABASE_URL`, the subgraph creates a PGlite cluster under
 * `HUB_DATA_DIR/<subgraph>/`, runs its migrations from empty, loads the demo data once,
 * and after a restart finds the same data (no migration re-run, no reseed).
 * Runs on PGlite in both CI passes: it is the default a developer gets.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { signDevToken } from "../platform/auth/tokens";
import { databaseUrlVariable, subgraphPortVariable, subgraphUrlVariable } from "../platform/config";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ensureTemplateCluster, installedTemplateDir } from "../platform/database";
import { DIST, ROOT, spawnHubProcess, stopHubProcess, waitReady, type HubProcess } from "./support/processes";
import { PERSONAS, postGraphQL } from "./support/hub";
import { hubState, testPort } from "./support/state";

const PORT = testPort(10);
const URL = `http://127.0.0.1:${PORT}/graphql`;

describe("embedded PostgreSQL of a subgraph", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-embedded-"));
  const env: Record<string, string> = {
    ...hubState().env,
    HUB_DATA_DIR: dataDir,
    // The start's steps (migrations, the demo data) are logged at debug; info has only the ready line.
    LOG_LEVEL: "debug",
    [databaseUrlVariable("victims")]: "",
    [subgraphPortVariable("victims")]: String(PORT),
    [subgraphUrlVariable("victims")]: URL,
  };
  let running: HubProcess | undefined;

  async function start(): Promise<HubProcess> {
    running = spawnHubProcess("victims", "subgraphs/victims/index.js", env);
    await waitReady(`http://127.0.0.1:${PORT}/ready`, running);
    return running;
  }

  function asGovernment<T>(query: string, variables?: Record<string, unknown>) {
    const token = signDevToken(
      { issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(dataDir, "keys") },
      PERSONAS.government,
    );
    return postGraphQL<T>(URL, { query, variables }, `Bearer ${token}`, { keyDir: path.join(dataDir, "keys") });
  }
  type List = { victims: { totalCount: number; edges: Array<{ node: { id: string; caseNumber: string } }> } };
  const victimsAsGovernment = (query: string) => asGovernment<List>(query);

  const LIST = "{ victims(first: 3) { totalCount edges { node { id caseNumber } } } }";

  afterAll(async () => {
    if (running) await stopHubProcess(running);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates the cluster, migrates from empty and seeds once; a restart keeps the data (seeded and written) and runs nothing again", async () => {
    const first = await start();
    const firstLog = first.output.join("");
    expect(fs.existsSync(path.join(dataDir, "victims", "PG_VERSION"))).toBe(true);
    expect(firstLog).toMatch(/Migration \w+ has been +executed successfully/);
    expect(firstLog).toContain("demo data loaded");
    const registered = await asGovernment<{ registerVictim: { id: string; caseNumber: string } }>(
      'mutation { registerVictim(victim: { nationality: "KE", gender: MALE, ageBracket: AGE_26_35, preferredName: "Written before the restart" }) { id caseNumber } }',
    );
    expect(registered.errors).toBeUndefined();
    const before = await victimsAsGovernment(LIST);
    expect(before.errors).toBeUndefined();
    expect(before.data?.victims.totalCount).toBe(261);

    expect(await stopHubProcess(first)).toBe(0);

    const second = await start();
    const secondLog = second.output.join("");
    expect(secondLog).not.toMatch(/has been +executed successfully/);
    expect(secondLog).toMatch(/No migrations are pending/);
    expect(secondLog).not.toContain("demo data loaded");
    const after = await victimsAsGovernment(LIST);
    expect(after.data).toEqual(before.data);
    const written = await asGovernment<{ victim: { caseNumber: string; preferredName: string } }>(
      "query ($id: ID!) { victim(id: $id) { caseNumber preferredName } }",
      { id: registered.data!.registerVictim.id },
    );
    expect(written.data?.victim).toEqual({
      caseNumber: registered.data!.registerVictim.caseNumber,
      preferredName: "Written before the restart",
    });
  });
});

describe("an embedded database's memory settings", () => {
  it("runs with the shared_buffers it is given (HUB_EMBEDDED_SHARED_BUFFERS_MB) and few connection slots", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-buffers-"));
    // PGlite loads WebAssembly through dynamic import, which jest's VM cannot run: a process of its own, as in production.
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(path.join(DIST, "platform", "database.js"))});
      const { Client } = require("pg");
      (async () => {
        const database = await startEmbeddedPostgres(process.argv[1], { sharedBuffersMb: 8 });
        const client = new Client({ connectionString: database.url });
        await client.connect();
        const { rows } = await client.query("SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'max_connections') ORDER BY name");
        await client.end();
        await database.stop();
        console.log(JSON.stringify(rows));
      })();`;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, path.join(dataDir, "db")], {
        cwd: ROOT,
      });
      // shared_buffers is counted in 8 kB pages: 8 MB = 1,024 of them.
      expect(JSON.parse(stdout)).toEqual([
        { name: "max_connections", setting: "8", unit: null },
        { name: "shared_buffers", setting: "1024", unit: "8kB" },
      ]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("the installation's template cluster", () => {
  it("is made by the install (npm ci's postinstall), so no start runs initdb", () => {
    expect(fs.existsSync(path.join(installedTemplateDir(), "PG_VERSION"))).toBe(true);
  });

  it("when missing, is made once, by whichever of several racing starts gets the lock, in a process of its own", async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-template-"));
    const template = path.join(parent, "pglite");
    try {
      const rssBefore = process.memoryUsage().rss;
      await Promise.all([
        ensureTemplateCluster(template),
        ensureTemplateCluster(template),
        ensureTemplateCluster(template),
      ]);
      expect(fs.existsSync(path.join(template, "PG_VERSION"))).toBe(true);
      // Nothing but the template and its released lock's absence: no half-built copies left behind.
      expect(fs.readdirSync(parent)).toEqual(["pglite"]);
      // initdb touches ~100 MB of WebAssembly memory; none of it is in this process.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);
});
