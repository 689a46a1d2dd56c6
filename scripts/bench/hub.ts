/**
 * The hub under measurement, with the hub's one launcher: its subgraphs (victims first:
 * it makes the signing key and the template cluster the others share), its gateway and
 * the stock gateway beside it; stopped to seed more people straight into the databases.
 */
import path from "node:path";
import { databaseUrlVariable, hubEnvironment, rateLimitEnvironment } from "../../platform/config";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../platform/database";
import { DIST, launch, startHub, stopProcess, type LaunchedProcess } from "../../platform/processes";
import { SUBGRAPH_NAMES, SUBGRAPHS, type SubgraphName } from "../../subgraphs/index";
import { seedBench } from "./seed";
import { BENCH_NODE, DATA_DIR, FLOOR, graphqlUrl, PORTS, SETTINGS, STOCK, STOCK_PORT } from "./settings";

/** Every subgraph's database is a server named by <SUBGRAPH>_DATABASE_URL (else each its embedded PGlite). */
export const ON_SERVER = SUBGRAPH_NAMES.every((name) => process.env[databaseUrlVariable(name)]);

/** The environment of every process of the benchmark's hub. */
export function benchEnvironment(): Record<string, string> {
  const databaseUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, process.env[databaseUrlVariable(name)] ?? ""]),
  );
  return {
    NODE_ENV: "development",
    // The benchmark reports statements and questions per request, from process-wide totals
    // read around one request: the hub measured has no per-request AsyncLocalStorage (request-scope.ts).
    HUB_DIAGNOSTIC_COUNTERS: "totals",
    LOG_LEVEL: "info",
    HUB_DATA_DIR: DATA_DIR,
    SEED_DEMO_DATA: "if-empty",
    ...hubEnvironment(SUBGRAPHS, { ports: PORTS, databaseUrls }),
    STOCK_GATEWAY_PORT: String(STOCK_PORT),
    // The rate limiter runs, with a budget no benchmark of one organisation exhausts.
    ...rateLimitEnvironment(100_000_000),
  };
}

/** Waits until a GraphQL endpoint answers (the stock server has no readiness route). */
export async function waitGraphQL(target: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json", "apollo-require-preflight": "1" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not answering: ${target}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export class BenchHub {
  /** The processes running now: the subgraphs, the gateway and the stock gateway. */
  readonly running: LaunchedProcess[] = [];

  constructor(private readonly env: Record<string, string>) {}

  private launchOptions(name: string) {
    // BENCH_PROFILE=gateway,victims writes a V8 CPU profile of those processes to .bench/profiles.
    const nodeArgs = SETTINGS.profile.includes(name)
      ? ["--cpu-prof", `--cpu-prof-dir=${path.join(DATA_DIR, "profiles")}`]
      : [];
    return { env: this.env, nodeArgs, stdout: false, forward: "stderr" as const, execPath: BENCH_NODE };
  }

  async start(): Promise<void> {
    await startHub({
      subgraphs: SUBGRAPH_NAMES,
      firstAlone: true,
      gateway: true,
      ports: PORTS,
      timeoutMs: 120_000,
      launchOptions: (name) => this.launchOptions(name),
      started: (_name, process) => this.running.push(process),
    });
    this.running.push(
      launch({
        ...this.launchOptions(STOCK),
        name: STOCK,
        entry: path.join(DIST, "scripts", "bench", "stock-gateway.js"),
      }),
    );
    await waitGraphQL(graphqlUrl(STOCK));
  }

  /**
   * The floor (floor.ts), beside the hub on a server; on embedded PGlite only while the hub
   * is stopped: it opens the subgraphs' own data directories.
   */
  async startFloor(): Promise<LaunchedProcess> {
    const databaseUrls = ON_SERVER
      ? JSON.stringify(Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, process.env[databaseUrlVariable(name)]])))
      : "";
    const floor = launch({
      ...this.launchOptions(FLOOR),
      env: { ...this.env, FLOOR_DATABASE_URLS: databaseUrls },
      name: FLOOR,
      entry: path.join(DIST, "scripts", "bench", "floor.js"),
    });
    this.running.push(floor);
    await waitGraphQL(graphqlUrl(FLOOR));
    return floor;
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.splice(0).map((process) => stopProcess(process)));
  }

  /** Adds people numbered `from`..`to` with SQL, the hub stopped (PGlite is one session), then starts it again. */
  async seed(from: number, to: number): Promise<void> {
    await this.stop();
    const opened: EmbeddedPostgres[] = [];
    const urls = {} as Record<SubgraphName, string>;
    for (const name of SUBGRAPH_NAMES) {
      if (ON_SERVER) urls[name] = process.env[databaseUrlVariable(name)]!;
      else {
        const database = await startEmbeddedPostgres(path.join(DATA_DIR, name), { maxConnections: 2 });
        opened.push(database);
        urls[name] = database.url;
      }
    }
    for (let chunk = from; chunk <= to; chunk += 20_000) await seedBench(urls, chunk, Math.min(chunk + 19_999, to));
    for (const database of opened) await database.stop();
    await this.start();
  }
}
