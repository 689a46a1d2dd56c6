/**
 * The hub as `npm start` runs it: the supervisor (dist/scripts/start.js) and its five
 * children, on a data directory and a block of five ports the test chooses. The
 * supervisor leads a process group of its own, so a test can kill the whole hub at
 * once, as a power cut or an OOM kill of the container would.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { signDevToken, type DevTokenRequest } from "../../platform/auth/tokens";
import { hubEnvironment, portBlock } from "../../platform/config";
import { SUBGRAPH_NAMES, SUBGRAPHS, type SubgraphName } from "../../subgraphs/index";
import { postGraphQL, type GraphQLResponse } from "./hub";
import { spawnHubProcess, type HubProcess } from "./processes";
import { databaseUrlOn, hubState } from "./state";

export interface SupervisedHub {
  process: HubProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-supervised-"));
}

/** Environment for a supervised hub: gateway on `basePort`, the subgraphs of the list on the next ports. */
export function supervisedEnv(
  basePort: number,
  dataDir: string,
  databaseUrls: Partial<Record<SubgraphName, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    ...hubState().env,
    HUB_DATA_DIR: dataDir,
    ...hubEnvironment(SUBGRAPHS, { ports: portBlock(SUBGRAPHS, basePort), databaseUrls }),
    LOG_LEVEL: "warn",
  };
  if (Object.keys(databaseUrls).length > 0) delete env.DATABASE_POOL_SIZE;
  return env;
}

export function startSupervisor(env: Record<string, string>, name = "supervisor"): SupervisedHub {
  const process = spawnHubProcess(name, "scripts/start.js", env, { detached: true });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    process.child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  // All of it, not `launch`'s last 200 chunks: a test reading the screen from its first line
  // would otherwise, on a busy machine, get a first chunk cut mid-line.
  const everything: string[] = [];
  process.child.stdout?.on("data", (chunk: Buffer) => everything.push(chunk.toString()));
  process.child.stderr?.on("data", (chunk: Buffer) => everything.push(chunk.toString()));
  return { process, exited, output: () => everything.join("") };
}

/** Resolves when the supervisor says the hub is ready; throws when it exits first or takes longer than `timeoutMs`. */
export async function waitSupervisorReady(hub: SupervisedHub, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!hub.output().includes("Survivor Hub is ready")) {
    if (hub.process.child.exitCode !== null || hub.process.child.signalCode !== null)
      throw new Error(`the supervisor exited during start:\n${hub.output()}`);
    if (Date.now() > deadline) throw new Error(`the hub was not ready after ${timeoutMs} ms:\n${hub.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGTERM to the supervisor (it stops its children); the whole group is killed if that takes more than 20 s. */
export async function stopSupervisor(
  hub: SupervisedHub,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const pid = hub.process.child.pid!;
  if (hub.process.child.exitCode === null && hub.process.child.signalCode === null) hub.process.child.kill("SIGTERM");
  const timer = setTimeout(() => killGroup(pid), 20_000);
  const result = await hub.exited;
  clearTimeout(timer);
  // Children left behind (the supervisor died first, say) go with their group.
  killGroup(pid);
  return result;
}

/** SIGKILL to every process of the hub: the supervisor and its children. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export function tokenFor(dataDir: string, persona: DevTokenRequest): string {
  return signDevToken(
    { issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(dataDir, "keys") },
    persona,
  );
}

export function askAt<T = Record<string, unknown>>(
  url: string,
  dataDir: string,
  persona: DevTokenRequest,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  return postGraphQL<T>(url, { query, variables }, `Bearer ${tokenFor(dataDir, persona)}`);
}

/** Whether a process with this PID still runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Databases of their own on TEST_DATABASE_URL's server, one per subgraph, for a test
 * that runs on the server when the suite does; `drop()` removes them.
 */
export async function serverDatabases(
  label: string,
): Promise<{ urls: Partial<Record<SubgraphName, string>>; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return { urls: {}, drop: async () => undefined };
  const prefix = `hub_${label}_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  const urls: Partial<Record<SubgraphName, string>> = {};
  try {
    for (const name of SUBGRAPH_NAMES) {
      await admin.query(`CREATE DATABASE ${prefix}_${name}`);
      urls[name] = databaseUrlOn(server, `${prefix}_${name}`);
    }
  } finally {
    await admin.end();
  }
  return {
    urls,
    async drop() {
      const client = new Client({ connectionString: server });
      await client.connect();
      try {
        for (const name of SUBGRAPH_NAMES) await client.query(`DROP DATABASE IF EXISTS ${prefix}_${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
