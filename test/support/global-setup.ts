/**
 * Builds the hub, gives each subgraph a database and starts the real processes.
 * Databases: one embedded PGlite server per subgraph of the list (in this process,
 * outside Jest's VM, where PGlite can run), or — when TEST_DATABASE_URL names a
 * PostgreSQL server — a throwaway database per subgraph there, dropped afterwards.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { ensureDevKeyPair } from "../../platform/auth/keys";
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres, type EmbeddedPostgres } from "../../platform/database";
import { hubEnvironment, rateLimitEnvironment } from "../../platform/config";
import { startHub } from "../../platform/processes";
import { SUBGRAPH_NAMES, SUBGRAPHS } from "../../subgraphs/index";
import { ROOT, type HubProcess } from "./processes";
import { databaseUrlOn, TEST_HUB_PORTS, type TestHubState } from "./state";

interface SetupHandles {
  processes: HubProcess[];
  embedded: EmbeddedPostgres[];
  serverDatabases: { adminUrl: string; names: string[] };
  tmpDir: string;
}

export default async function globalSetup(): Promise<void> {
  execFileSync(
    process.execPath,
    [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    { cwd: ROOT, stdio: "inherit" },
  );

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-test-"));
  const handles: SetupHandles = { processes: [], embedded: [], serverDatabases: { adminUrl: "", names: [] }, tmpDir };
  (globalThis as { __hubHandles?: SetupHandles }).__hubHandles = handles;

  const databaseUrls: Record<string, string> = {};
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    const prefix = `hub_test_${Date.now()}_${process.pid}`;
    for (const name of SUBGRAPH_NAMES) {
      const database = `${prefix}_${name}`;
      await admin.query(`CREATE DATABASE ${database}`);
      handles.serverDatabases.names.push(database);
      databaseUrls[name] = databaseUrlOn(serverUrl, database);
    }
    handles.serverDatabases.adminUrl = serverUrl;
    await admin.end();
  } else {
    for (const name of SUBGRAPH_NAMES) {
      const embedded = await startEmbeddedPostgres(path.join(tmpDir, "db", name), { maxConnections: 4 });
      handles.embedded.push(embedded);
      databaseUrls[name] = embedded.url;
    }
  }

  const env: Record<string, string> = {
    NODE_ENV: "test",
    HUB_DATA_DIR: path.join(tmpDir, "hub"),
    LOG_LEVEL: "warn",
    // Tests read log lines as JSON, whatever LOG_FORMAT the shell running them has.
    LOG_FORMAT: "json",
    // The portal's test builds and serves its own copy; the other hubs of the suite (and the
    // supervisors they start, which would build it) have no need of it.
    HUB_PORTAL: "off",
    SEED_DEMO_DATA: "if-empty",
    ...hubEnvironment(SUBGRAPHS, { ports: TEST_HUB_PORTS, databaseUrls }),
    // Many organisations' worth of work from one machine: the budgets are raised, except
    // for one organisation the rate-limit test uses (test/limits.test.ts).
    ...rateLimitEnvironment(1_000_000),
    RATE_LIMIT_ORG_OVERRIDES: "ngo-rate-limited=5",
    // The embedded servers are PGlite: one connection per subgraph (see platform/database.ts).
    ...(serverUrl ? {} : { DATABASE_POOL_SIZE: String(EMBEDDED_POOL_SIZE) }),
  };
  // Make the signing key before the processes race for it.
  ensureDevKeyPair(path.join(env.HUB_DATA_DIR, "keys"));

  // The subgraphs together (their databases and the keys exist already), then the gateway.
  await startHub({
    subgraphs: SUBGRAPH_NAMES,
    gateway: true,
    ports: TEST_HUB_PORTS,
    launchOptions: () => ({ env }),
    started: (_name, process) => handles.processes.push(process),
  });

  const state: TestHubState = { env, databaseUrls, tmpDir, usingServer: Boolean(serverUrl) };
  const statePath = path.join(tmpDir, "state.json");
  fs.writeFileSync(statePath, JSON.stringify(state));
  process.env.HUB_TEST_STATE = statePath;
}
