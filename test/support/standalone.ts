/**
 * A victims subgraph of its own, on its own embedded database, for tests that must
 * touch the database behind the application's back (as a superuser, with the hub
 * stopped): PGlite serves one session, so doing that to the shared test hub's database
 * while other tests run would interleave with their statements.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { signDevToken } from "../../shared/auth/tokens";
import { databaseUrlVariable, subgraphPortVariable, subgraphUrlVariable } from "../../shared/config";
import { PERSONAS, postGraphQL, type GraphQLResponse } from "./hub";
import { ROOT, spawnHubProcess, stopHubProcess, waitReady, type HubProcess } from "./processes";
import { hubState } from "./state";

const PORT = 14111;
const URL = `http://127.0.0.1:${PORT}/graphql`;

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
  asGovernment<T = Record<string, unknown>>(query: string): Promise<GraphQLResponse<T>>;
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

export async function withStandaloneVictims(use: (victims: StandaloneVictims) => Promise<void>): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-standalone-"));
  const env: Record<string, string> = {
    ...hubState().env,
    HUB_DATA_DIR: dataDir,
    [databaseUrlVariable("victims")]: "",
    [subgraphPortVariable("victims")]: String(PORT),
    [subgraphUrlVariable("victims")]: URL,
  };
  const token = () => `Bearer ${signDevToken({ issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(dataDir, "keys") }, PERSONAS.government)}`;
  let running: HubProcess | undefined;
  const victims: StandaloneVictims = {
    async start() {
      running = spawnHubProcess("victims-standalone", "subgraphs/victims/index.js", env);
      await waitReady(`http://127.0.0.1:${PORT}/ready`, running);
    },
    async stop() {
      if (running) await stopHubProcess(running);
      running = undefined;
    },
    asGovernment(query) {
      return postGraphQL(URL, { query }, token());
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
    await victims.start();
    await use(victims);
  } finally {
    await victims.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
