/**
 * The PostgreSQL server on this machine stops and comes back during a workload: the
 * hub answers cleanly meanwhile (HTTP 200, SERVICE_UNAVAILABLE, nothing internal) and
 * serves in full again within 10 s of the database's return, with no process restarted.
 * Run after the main suite and alone (jest.serial.config.js): stopping the server would
 * pull it from under every other test.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { Client } from "pg";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../shared/config";
import { PERSONAS, type GraphQLResponse } from "../support/hub";
import { ROOT } from "../support/processes";
import { withStandaloneHub } from "../support/standalone";
import { databaseUrlOn, testPort } from "../support/state";

const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cluster(): [string, string] {
  // `pg_lsclusters` lines: version, name, port, status, …
  const line = execFileSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" })
    .split("\n")
    .find((entry) => entry.split(/\s+/)[2] === new URL(SERVER_URL).port || (new URL(SERVER_URL).port === "" && entry.split(/\s+/)[2] === "5432"));
  if (!line) throw new Error("no PostgreSQL cluster serves the test server's port on this machine");
  const [version, name] = line.trim().split(/\s+/);
  return [version, name];
}

function serverReady(): boolean {
  try {
    execFileSync("pg_isready", ["-h", "127.0.0.1", "-p", new URL(SERVER_URL).port || "5432"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(100);
  }
}

const DASHBOARD = `{ nationals(first: 10) { edges { node { caseNumber legalName currentPlacement { placedAt } repatriation { status } } } } }`;

describe("the PostgreSQL server restarts during a workload", () => {
  const [version, name] = cluster();
  const prefix = `hub_restart_${Date.now()}_${process.pid}`;
  const databaseUrls = Object.fromEntries(SUBGRAPH_NAMES.map((subgraph) => [subgraph, databaseUrlOn(SERVER_URL, `${prefix}_${subgraph}`)])) as Record<SubgraphName, string>;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    if (!serverReady()) execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, "start"]);
    await waitFor(serverReady, 30_000);
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    for (const subgraph of SUBGRAPH_NAMES) await admin.query(`CREATE DATABASE ${prefix}_${subgraph}`);
    await admin.end();
  });

  afterAll(async () => {
    if (!serverReady()) execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, "start"]);
    await waitFor(serverReady, 30_000);
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    for (const subgraph of SUBGRAPH_NAMES) await admin.query(`DROP DATABASE IF EXISTS ${prefix}_${subgraph} WITH (FORCE)`);
    await admin.end();
  });

  it("answers cleanly while it is down and fully within 10 s of its return", async () => {
    const baseEnv = { NODE_ENV: "test", LOG_LEVEL: "warn", SEED_DEMO_DATA: "if-empty", GATEWAY_HOST: "127.0.0.1" };
    await withStandaloneHub({ basePort: testPort(41), subgraphs: [...SUBGRAPH_NAMES], gateway: true, baseEnv, databaseUrls }, async (hub) => {
      const ask = () => hub.ask<{ nationals: { edges: unknown[] } }>("gateway", PERSONAS.embassyPH, DASHBOARD).catch((error: Error) => error);
      const full = (answer: GraphQLResponse | Error) => !(answer instanceof Error) && answer.status === 200 && !answer.errors && (answer.data?.nationals as { edges: unknown[] } | undefined)?.edges.length;
      expect(full(await ask())).toBeTruthy();

      execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, "stop", "-m", "fast"]);
      const whileDown: Array<GraphQLResponse | Error> = [];
      for (let round = 0; round < 10; round += 1) {
        whileDown.push(await ask());
        await sleep(200);
      }
      for (const answer of whileDown) {
        expect(answer).not.toBeInstanceOf(Error);
        const response = answer as GraphQLResponse;
        expect(response.status).toBe(200);
        expect((response.errors ?? []).map((error) => error.extensions?.code)).toEqual(expect.arrayContaining(["SERVICE_UNAVAILABLE"]));
        expect(new Set((response.errors ?? []).map((error) => error.extensions?.code))).toEqual(new Set(["SERVICE_UNAVAILABLE"]));
        expect(JSON.stringify(response)).not.toMatch(/ECONNREFUSED|5432|stack|Connection terminated/);
      }
      const readyProbe = await fetch(hub.url("victims").replace("/graphql", "/ready"));
      expect(readyProbe.status).toBe(503);

      execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, "start"]);
      await waitFor(serverReady, 30_000);
      const back = Date.now();
      let recovered = false;
      while (!recovered && Date.now() - back < 10_000) {
        recovered = Boolean(full(await ask()));
        if (!recovered) await sleep(200);
      }
      expect(recovered).toBe(true);
    });
  });
});
