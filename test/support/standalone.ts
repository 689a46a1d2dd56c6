/**
 * Subgraphs of their own, on their own embedded databases, for tests that need the
 * database to themselves: touching it behind the application's back (as a superuser,
 * with the subgraph stopped — PGlite serves one session, so doing that to the shared
 * test hub's database would interleave with other tests' statements), or reading the
 * demo data while nothing else writes (statistics compared across queries).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { signDevToken } from "../../shared/auth/tokens";
import { databaseUrlVariable, SUBGRAPH_NAMES, subgraphPortVariable, subgraphUrlVariable, type SubgraphName } from "../../shared/config";
import { PERSONAS, postGraphQL, type GraphQLResponse } from "./hub";
import { ROOT, spawnHubProcess, stopHubProcess, waitReady, type HubProcess } from "./processes";
import { hubState } from "./state";


export interface ChainReport {
  subgraph: string;
  entries: number;
  intact: boolean;
  firstBrokenSeq: string | null;
  problem: string | null;
}

export interface StandaloneVictims {
  start(): Promise<void>;
  stop(): Promise<void>;
  asGovernment<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** This subgraph's own chain report. */
  verify(): Promise<ChainReport>;
  /** Runs statements one by one as the database superuser, with the subgraph stopped. */
  sql(statements: string[]): Promise<Array<{ error: string | null }>>;
}

// Runs in a plain Node process: PGlite does not run inside Jest's VM.
const SQL_RUNNER = `
const { PGlite } = require("@electric-sql/pglite");
(async () => {
  const db = await PGlite.create(process.argv[1]);
  const results = [];
  for (const statement of JSON.parse(process.argv[2])) {
    try { await db.exec(statement); results.push({ error: null }); } catch (error) { results.push({ error: String(error.message) }); }
  }
  await db.close();
  process.stdout.write(JSON.stringify(results));
})();`;

/**
 * Runs `use` against subgraphs of their own (victims, plus any `peers`), each on its own
 * embedded database with the demo data and nothing else writing, sharing one data
 * directory (so one signing key and one service secret). Peers run for the whole call.
 */
export async function withStandaloneVictims(
  use: (victims: StandaloneVictims) => Promise<void>,
  options: { peers?: Array<Exclude<SubgraphName, "victims">>; basePort: number },
): Promise<void> {
  // Test files run in parallel: each caller gives its own block of ports.
  const PORTS = Object.fromEntries(SUBGRAPH_NAMES.map((name, index) => [name, options.basePort + index])) as Record<SubgraphName, number>;
  const urlOf = (name: SubgraphName) => `http://127.0.0.1:${PORTS[name]}/graphql`;
  const URL = urlOf("victims");
  const peers = options.peers ?? [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-standalone-"));
  const env: Record<string, string> = { ...hubState().env, HUB_DATA_DIR: dataDir };
  for (const name of SUBGRAPH_NAMES) {
    env[databaseUrlVariable(name)] = "";
    env[subgraphPortVariable(name)] = String(PORTS[name]);
    env[subgraphUrlVariable(name)] = urlOf(name);
  }
  const token = () => `Bearer ${signDevToken({ issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(dataDir, "keys") }, PERSONAS.government)}`;
  const startProcess = async (name: SubgraphName): Promise<HubProcess> => {
    const hub = spawnHubProcess(`${name}-standalone`, `subgraphs/${name}/index.js`, env);
    await waitReady(`http://127.0.0.1:${PORTS[name]}/ready`, hub);
    return hub;
  };
  let running: HubProcess | undefined;
  const peerProcesses: HubProcess[] = [];
  const victims: StandaloneVictims = {
    async start() {
      running = await startProcess("victims");
    },
    async stop() {
      if (running) await stopHubProcess(running);
      running = undefined;
    },
    asGovernment(query, variables) {
      return postGraphQL(URL, { query, variables }, token());
    },
    async verify() {
      const response = await postGraphQL<{ verifyAuditChain: ChainReport[] }>(URL, { query: "{ verifyAuditChain { subgraph entries intact firstBrokenSeq problem } }" }, token());
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      return response.data!.verifyAuditChain.find((report) => report.subgraph === "victims")!;
    },
    async sql(statements) {
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", SQL_RUNNER, path.join(dataDir, "victims"), JSON.stringify(statements)], { cwd: ROOT });
      return JSON.parse(stdout) as Array<{ error: string | null }>;
    },
  };
  try {
    // Victims first: it makes the template cluster and the keys the others then share.
    await victims.start();
    peerProcesses.push(...(await Promise.all(peers.map(startProcess))));
    await use(victims);
  } finally {
    await victims.stop();
    await Promise.all(peerProcesses.map((hub) => stopHubProcess(hub)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
