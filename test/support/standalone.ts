/**
 * A hub of its own — some subgraphs, optionally a gateway — each subgraph on its own
 * embedded database with the demo data and nothing else writing. For tests that need
 * the hub to themselves: touching a database behind the application's back (as a
 * superuser, with the subgraph stopped: PGlite serves one session, so doing that to the
 * shared test hub's database would interleave with other tests' statements), reading the
 * demo data while nothing else writes, or killing and restarting processes.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { signDevToken, type DevTokenRequest } from "../../platform/auth/tokens";
import { hubEnvironment, portBlock } from "../../platform/config";
import { GATEWAY, portOf, readyUrl, startHub } from "../../platform/processes";
import { SUBGRAPHS, type SubgraphName } from "../../subgraphs/index";
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

type ProcessName = SubgraphName | "gateway";

export interface StandaloneHub {
  url(name: ProcessName): string;
  /** Its development keys (to sign requests with headers of a test's own: `postGraphQL(…, { keyDir })`). */
  keyDir: string;
  ask<T = Record<string, unknown>>(
    name: ProcessName,
    persona: DevTokenRequest,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  token(persona: DevTokenRequest): string;
  start(name: ProcessName): Promise<void>;
  /** Stops a process (SIGTERM waits for it to finish cleanly; SIGKILL does not). */
  stop(name: ProcessName, signal?: NodeJS.Signals): Promise<void>;
  /** The running process, e.g. to signal it while requests are in flight. */
  process(name: ProcessName): HubProcess | undefined;
  /** Runs statements one by one as the database superuser, with that subgraph stopped. */
  sql(name: SubgraphName, statements: string[]): Promise<Array<{ error: string | null }>>;
}

/** The victims subgraph of a standalone hub, as the audit and statistics tests use it. */
export interface StandaloneVictims {
  start(): Promise<void>;
  stop(): Promise<void>;
  asGovernment<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** This subgraph's own chain report. */
  verify(): Promise<ChainReport>;
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
 * Runs `use` against a hub of its own: the `subgraphs` named (victims first: it makes the
 * template cluster and the keys the others share), and a gateway if asked. Test files
 * run in parallel, so each caller gives its own block of five ports.
 */
export async function withStandaloneHub(
  options: {
    basePort: number;
    subgraphs: SubgraphName[];
    gateway?: boolean;
    logLevel?: string;
    /** Environment to start from (default: the shared test hub's). */
    baseEnv?: Record<string, string>;
    /** PostgreSQL server databases per subgraph (default: each its own embedded PGlite). */
    databaseUrls?: Partial<Record<SubgraphName, string>>;
  },
  use: (hub: StandaloneHub) => Promise<void>,
): Promise<void> {
  const ports = portBlock(SUBGRAPHS, options.basePort);
  const url = (name: ProcessName) => `http://127.0.0.1:${portOf(ports, name)}/graphql`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-standalone-"));
  const env: Record<string, string> = {
    ...(options.baseEnv ?? hubState().env),
    HUB_DATA_DIR: dataDir,
    ...hubEnvironment(SUBGRAPHS, { ports, databaseUrls: options.databaseUrls }),
    ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
  };
  const running = new Map<ProcessName, HubProcess>();
  const hub: StandaloneHub = {
    url,
    keyDir: path.join(dataDir, "keys"),
    token: (persona) =>
      signDevToken(
        { issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(dataDir, "keys") },
        persona,
      ),
    ask(name, persona, query, variables) {
      return postGraphQL(url(name), { query, variables }, `Bearer ${hub.token(persona)}`, {
        keyDir: path.join(dataDir, "keys"),
      });
    },
    async start(name) {
      const entry = name === GATEWAY ? "gateway/index.js" : `subgraphs/${name}/index.js`;
      const started = spawnHubProcess(`${name}-standalone`, entry, env);
      running.set(name, started);
      await waitReady(readyUrl(ports, name), started);
    },
    async stop(name, signal = "SIGTERM") {
      const process = running.get(name);
      running.delete(name);
      if (process) await stopHubProcess(process, signal);
    },
    process: (name) => running.get(name),
    async sql(name, statements) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["-e", SQL_RUNNER, path.join(dataDir, name), JSON.stringify(statements)],
        { cwd: ROOT },
      );
      return JSON.parse(stdout) as Array<{ error: string | null }>;
    },
  };
  try {
    await startHub({
      subgraphs: options.subgraphs,
      firstAlone: true,
      gateway: options.gateway,
      ports,
      launchOptions: () => ({ env }),
      started: (name, process) => running.set(name as ProcessName, process),
    });
    await use(hub);
  } finally {
    await Promise.all([...running.keys()].map((name) => hub.stop(name)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function withStandaloneVictims(
  use: (victims: StandaloneVictims) => Promise<void>,
  options: { peers?: Array<Exclude<SubgraphName, "victims">>; basePort: number },
): Promise<void> {
  return withStandaloneHub({ basePort: options.basePort, subgraphs: ["victims", ...(options.peers ?? [])] }, (hub) =>
    use({
      start: () => hub.start("victims"),
      stop: () => hub.stop("victims"),
      asGovernment: (query, variables) => hub.ask("victims", PERSONAS.government, query, variables),
      async verify() {
        const response = await hub.ask<{ verifyAuditChain: ChainReport[] }>(
          "victims",
          PERSONAS.government,
          "{ verifyAuditChain { subgraph entries intact firstBrokenSeq problem } }",
        );
        if (response.errors) throw new Error(JSON.stringify(response.errors));
        return response.data!.verifyAuditChain.find((report) => report.subgraph === "victims")!;
      },
      sql: (statements) => hub.sql("victims", statements),
    }),
  );
}
