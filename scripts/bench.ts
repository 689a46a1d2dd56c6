/**
 * `npm run bench`: a reproducible benchmark of the hub against a stock @apollo/gateway
 * over the same subgraphs and data.
 *
 * 0. `npm start` from an empty data directory: seconds until ready, and the five
 *    processes' resident memory once idle.
 * 1. Starts four embedded databases (or uses the `<SUBGRAPH>_DATABASE_URL`s given), the
 *    four subgraphs (demo data, then BENCH_VICTIMS more people seeded with SQL), the hub's
 *    gateway (every auth, limit, audit, rate-limit and logging feature on) and a stock
 *    gateway (scripts/bench-stock-gateway.ts).
 * 2. Scenarios (a) an embassy's dashboard — 100 nationals with placement, documents and
 *    repatriation across all four subgraphs; (b) one full victim profile for government;
 *    (c) the shelter board; through the hub, the stock gateway, and for (a)'s first fetch
 *    straight at the victims subgraph; (d) a 1,000-person registerVictims.
 * 3. Each measurement runs BENCH_ROUNDS times, targets alternating, with autocannon in a
 *    process of its own checking every body; medians of requests/s, p50/p99, gateway CPU
 *    ms per request, SQL statements per request and peak RSS of every process.
 * Settings: BENCH_VICTIMS (100000), BENCH_SECONDS (6), BENCH_CONNECTIONS (20),
 * BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (2, unmeasured load before each measurement),
 * BENCH_PROFILE (processes to CPU-profile, e.g. "gateway"), BENCH_READS (read scenarios
 * to measure, default "a,b,c"), BENCH_COLD_START (0 skips step 0).
 * Results: a table on stdout and bench-results.json.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ensureDevRequestSigningSecret } from "../platform/auth/keys";
import { createRequestSigner } from "../platform/auth/request-signature";
import { signDevToken, type DevTokenRequest } from "../platform/auth/tokens";
import {
  databaseUrlVariable,
  SUBGRAPH_NAMES,
  subgraphPortVariable,
  subgraphUrlVariable,
  type SubgraphName,
} from "../platform/config";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../platform/database";
import { seedBench } from "./bench-seed";

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist");
const VICTIMS = Number(process.env.BENCH_VICTIMS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
// For profiling one scenario: BENCH_READS=a measures only (a)'s reads; BENCH_COLD_START=0 skips step 0.
const READ_SCENARIOS = (process.env.BENCH_READS ?? "a,b,c").split(",");
const COLD_START = process.env.BENCH_COLD_START !== "0";
const DATA_DIR = path.resolve(process.env.BENCH_DIR ?? path.join(ROOT, ".bench"));
const BASE_PORT = 14600;
const PORTS: Record<SubgraphName | "gateway" | "stock", number> = {
  victims: BASE_PORT + 1,
  shelters: BASE_PORT + 2,
  embassies: BASE_PORT + 3,
  repatriation: BASE_PORT + 4,
  gateway: BASE_PORT,
  stock: BASE_PORT + 5,
};
const url = (name: keyof typeof PORTS) => `http://127.0.0.1:${PORTS[name]}/graphql`;

const PERSONAS = {
  embassy: { role: "embassy", org: "embassy-PH", country: "PH" },
  government: { role: "government", org: "gov-mdt" },
  ngo: { role: "ngo", org: "ngo-lighthouse" },
} as const satisfies Record<string, DevTokenRequest>;

const DASHBOARD = `query Dashboard { nationals(first: 100) { edges { node { id caseNumber legalName
  currentPlacement { placedAt shelter { name } } travelDocuments { kind number expiresOn } repatriation { status destinationCountry } } } } }`;
const DASHBOARD_FIRST_FETCH = `query Dashboard { nationals(first: 100) { edges { node { id caseNumber legalName } } } }`;
const SHELTER_BOARD = `query Board { shelters(first: 50) { edges { node { id name region capacity freeBeds services languages } } } }`;
const profile = (
  id: string,
) => `query Profile { victim(id: "${id}") { id caseNumber nationality legalName dateOfBirth nrmStatus identifiedAt rescueLocation medicalNeeds
  requiresMedicalEscort testimony familyContact consents { kind granted } referrals { toOrg status }
  currentPlacement { placedAt shelter { name } } nationalityVerification { status } travelDocuments { kind number } repatriation { status journeyLegs { toPlace } } } }`;

interface Running {
  name: string;
  child: ChildProcess;
}

const running: Running[] = [];

function start(name: string, entry: string, env: Record<string, string>): Running {
  // BENCH_PROFILE=gateway,victims writes a V8 CPU profile of those processes to .bench/profiles.
  const profile = (process.env.BENCH_PROFILE ?? "").split(",").includes(name)
    ? ["--cpu-prof", `--cpu-prof-dir=${path.join(DATA_DIR, "profiles")}`]
    : [];
  const child = spawn(process.execPath, [...profile, path.join(DIST, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const started = { name, child };
  running.push(started);
  return started;
}

async function waitReady(readyUrl: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(readyUrl)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready: ${readyUrl}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until a GraphQL endpoint answers (the stock server has no readiness route). */
async function waitGraphQL(target: string, timeoutMs = 60_000): Promise<void> {
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

/** CPU time (user + system) a process has used, in milliseconds. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at USER_HZ = 100
}

/** A line of /proc/<pid>/status in MB: VmHWM (peak resident) or VmRSS (resident now). */
function statusMb(pid: number, field: "VmHWM" | "VmRSS"): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${field}:`));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

const peakRssMb = (pid: number) => statusMb(pid, "VmHWM");

/** The processes a process started (Linux: /proc/<pid>/task/<tid>/children). */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/))
    .filter(Boolean)
    .map(Number);
}

const IDLE_SECONDS = 20;

/**
 * `npm start` from an empty data directory (compiled already): seconds until the
 * supervisor reports all five processes ready, then the resident memory of those five
 * after IDLE_SECONDS without requests (the demo data loaded, nothing else).
 */
async function measureColdStart(
  env: Record<string, string>,
): Promise<{ readySeconds: number; idleRssMb: Record<string, number> }> {
  const dataDir = path.join(DATA_DIR, "cold-start");
  const startedAt = Date.now();
  const supervisor = spawn(process.execPath, [path.join(DIST, "scripts", "start.js")], {
    cwd: ROOT,
    env: { ...process.env, ...env, HUB_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const readySeconds = await new Promise<number>((resolve, reject) => {
      let output = "";
      supervisor.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (/Survivor Hub is ready in/.test(output)) resolve((Date.now() - startedAt) / 1000);
      });
      supervisor.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready`)));
    });
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idleRssMb: Record<string, number> = {};
    for (const pid of childrenOf(supervisor.pid!)) {
      // argv[1] is dist/subgraphs/<name>/index.js or dist/gateway/index.js.
      const entry = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[1] ?? String(pid);
      idleRssMb[path.basename(path.dirname(entry))] = statusMb(pid, "VmRSS");
    }
    return { readySeconds, idleRssMb };
  } finally {
    supervisor.kill("SIGTERM");
    await new Promise((resolve) => (supervisor.exitCode !== null ? resolve(null) : supervisor.once("exit", resolve)));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function post(
  target: string,
  authorization: string,
  query: string,
  signingSecret?: string,
): Promise<{
  text: string;
  json: {
    data?: Record<string, unknown>;
    errors?: unknown[];
    extensions?: { sqlStatements?: Record<string, number>; peerQuestions?: Record<string, number> };
  };
}> {
  const body = JSON.stringify({ query });
  const plain = { "content-type": "application/json", authorization };
  const headers = signingSecret
    ? createRequestSigner("gateway", signingSecret).signed("POST", target, body, plain)
    : plain;
  const response = await fetch(target, { method: "POST", headers, body });
  const text = await response.text();
  return { text, json: JSON.parse(text) };
}

interface Measurement {
  scenario: string;
  target: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  gatewayCpuMsPerRequest: number | null;
  /** CPU ms per request of each hub process and of the whole machine (all cores, load generator included). */
  cpuMsPerRequest: Record<string, number>;
  sqlStatementsPerRequest: number | null;
  /** Service questions between subgraphs per request (development report of the hub's gateway). */
  peerQuestionsPerRequest: number | null;
}

/** CPU time the whole machine has spent busy (all cores, from /proc/stat), in milliseconds. */
function machineBusyMs(): number {
  const [, user, nice, system, , , irq, softirq, steal] = fs
    .readFileSync("/proc/stat", "utf8")
    .split("\n")[0]
    .trim()
    .split(/\s+/)
    .map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
}

/** The median of each measure over rounds of one scenario and target. */
function summarise(rounds: Array<Omit<Measurement, "scenario" | "target">>): Omit<Measurement, "scenario" | "target"> {
  const cpuMsPerRequest: Record<string, number> = {};
  for (const name of Object.keys(rounds[0].cpuMsPerRequest))
    cpuMsPerRequest[name] = median(rounds.map((entry) => entry.cpuMsPerRequest[name]));
  return {
    requestsPerSecond: median(rounds.map((entry) => entry.requestsPerSecond)),
    p50: median(rounds.map((entry) => entry.p50)),
    p99: median(rounds.map((entry) => entry.p99)),
    gatewayCpuMsPerRequest:
      rounds[0].gatewayCpuMsPerRequest === null ? null : median(rounds.map((entry) => entry.gatewayCpuMsPerRequest!)),
    cpuMsPerRequest,
    sqlStatementsPerRequest: rounds[0].sqlStatementsPerRequest,
    peerQuestionsPerRequest: rounds[0].peerQuestionsPerRequest,
  };
}

async function measure(
  scenario: string,
  target: "hub" | "stock" | "victims",
  query: string,
  persona: DevTokenRequest,
  check: (json: { data?: Record<string, unknown> }) => boolean,
): Promise<Omit<Measurement, "scenario" | "target">> {
  const targetUrl = target === "hub" ? url("gateway") : target === "stock" ? url("stock") : url("victims");
  const authorization = `Bearer ${signDevToken({ issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(DATA_DIR, "keys") }, persona)}`;
  const sample = await post(
    targetUrl,
    authorization,
    query,
    target === "victims" ? ensureDevRequestSigningSecret(path.join(DATA_DIR, "keys")) : undefined,
  );
  if (sample.json.errors || !check(sample.json))
    throw new Error(`${scenario} via ${target}: wrong answer: ${sample.text.slice(0, 300)}`);
  const statements = sample.json.extensions?.sqlStatements;
  const questions = sample.json.extensions?.peerQuestions;
  const gatewayPid =
    target === "hub"
      ? running.find((entry) => entry.name === "gateway")!.child.pid!
      : target === "stock"
        ? running.find((entry) => entry.name === "stock")!.child.pid!
        : undefined;
  const signingSecret = target === "victims" ? ensureDevRequestSigningSecret(path.join(DATA_DIR, "keys")) : undefined;
  const load = {
    url: targetUrl,
    authorization,
    body: JSON.stringify({ query }),
    expectedData: JSON.stringify(sample.json.data),
    connections: CONNECTIONS,
    seconds: SECONDS,
    signingSecret,
  };
  const runLoad = (seconds: number) =>
    promisify(execFile)(
      process.execPath,
      [path.join(DIST, "scripts", "bench-load.js"), JSON.stringify({ ...load, seconds })],
      { cwd: ROOT, maxBuffer: 1 << 20 },
    );
  // Warm-up, not measured: JIT, plan caches and database buffers as a running hub has them.
  await runLoad(WARMUP_SECONDS);
  const cpuBefore = gatewayPid ? cpuMs(gatewayPid) : 0;
  const processesBefore = running.map((entry) => cpuMs(entry.child.pid!));
  const machineBefore = machineBusyMs();
  const { stdout } = await runLoad(SECONDS);
  const machineSpent = machineBusyMs() - machineBefore;
  const processesSpent = running.map(
    (entry, index) => [entry.name, cpuMs(entry.child.pid!) - processesBefore[index]] as const,
  );
  const result = JSON.parse(stdout) as {
    requests: number;
    requestsPerSecond: number;
    p50: number;
    p99: number;
    non2xx: number;
    errors: number;
    timeouts: number;
    mismatches: number;
  };
  // Every answer must have been the checked one: a benchmark of wrong answers is worthless.
  if (result.non2xx || result.errors || result.timeouts || result.mismatches)
    throw new Error(`${scenario} via ${target}: ${JSON.stringify(result)}`);
  if (result.requests < CONNECTIONS)
    throw new Error(
      `${scenario} via ${target}: only ${result.requests} answers in ${SECONDS} s; per-request figures need a longer BENCH_SECONDS`,
    );
  return {
    requestsPerSecond: result.requestsPerSecond,
    p50: result.p50,
    p99: result.p99,
    gatewayCpuMsPerRequest: gatewayPid ? (cpuMs(gatewayPid) - cpuBefore) / result.requests : null,
    cpuMsPerRequest: Object.fromEntries(
      [...processesSpent, ["machine", machineSpent] as const].map(([name, spent]) => [name, spent / result.requests]),
    ),
    sqlStatementsPerRequest: statements ? Object.values(statements).reduce((sum, count) => sum + count, 0) : null,
    peerQuestionsPerRequest: questions ? Object.values(questions).reduce((sum, count) => sum + count, 0) : null,
  };
}

async function main(): Promise<void> {
  const began = Date.now();
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  fs.mkdirSync(DATA_DIR, { recursive: true });
  // Each subgraph runs its own embedded database in its own process, as `npm start` does;
  // seeding opens them from here while the subgraphs are stopped (PGlite is one session).
  const server = SUBGRAPH_NAMES.every((name) => process.env[databaseUrlVariable(name)]);
  const env: Record<string, string> = {
    NODE_ENV: "development",
    // The benchmark reports statements and questions per request.
    HUB_DIAGNOSTIC_COUNTERS: "on",
    LOG_LEVEL: "info",
    HUB_DATA_DIR: DATA_DIR,
    SEED_DEMO_DATA: "if-empty",
    GATEWAY_PORT: String(PORTS.gateway),
    GATEWAY_HOST: "127.0.0.1",
    STOCK_GATEWAY_PORT: String(PORTS.stock),
    // The rate limiter runs, with a budget no benchmark of one organisation exhausts.
    ...Object.fromEntries(
      ["GOVERNMENT", "NGO", "SHELTER", "EMBASSY", "REPATRIATION", "AUDITOR"].map((role) => [
        `RATE_LIMIT_${role}_PER_MINUTE`,
        "100000000",
      ]),
    ),
  };
  for (const name of SUBGRAPH_NAMES) {
    env[subgraphPortVariable(name)] = String(PORTS[name]);
    env[subgraphUrlVariable(name)] = url(name);
    env[databaseUrlVariable(name)] = process.env[databaseUrlVariable(name)] ?? "";
  }
  const startHub = async () => {
    // Victims first: it makes the signing key and the template cluster the others share.
    start("victims", "subgraphs/victims/index.js", env);
    await waitReady(`http://127.0.0.1:${PORTS.victims}/ready`);
    for (const name of SUBGRAPH_NAMES.filter((name) => name !== "victims"))
      start(name, `subgraphs/${name}/index.js`, env);
    await Promise.all(SUBGRAPH_NAMES.map((name) => waitReady(`http://127.0.0.1:${PORTS[name]}/ready`)));
    start("gateway", "gateway/index.js", env);
    start("stock", "scripts/bench-stock-gateway.js", env);
    await waitReady(`http://127.0.0.1:${PORTS.gateway}/ready`);
    await waitGraphQL(url("stock"));
  };
  const seed = async (from: number, to: number) => {
    await shutdown();
    const opened: EmbeddedPostgres[] = [];
    const urls = {} as Record<SubgraphName, string>;
    for (const name of SUBGRAPH_NAMES) {
      if (server) urls[name] = process.env[databaseUrlVariable(name)]!;
      else {
        const database = await startEmbeddedPostgres(path.join(DATA_DIR, name), { maxConnections: 2 });
        opened.push(database);
        urls[name] = database.url;
      }
    }
    for (let chunk = from; chunk <= to; chunk += 20_000) await seedBench(urls, chunk, Math.min(chunk + 19_999, to));
    for (const database of opened) await database.stop();
    await startHub();
  };
  console.error("npm start from an empty data directory…");
  const coldStart = COLD_START ? await measureColdStart(env) : { readySeconds: NaN, idleRssMb: {} };
  console.error(`  ready in ${coldStart.readySeconds.toFixed(1)} s; idle RSS ${JSON.stringify(coldStart.idleRssMb)}`);

  await startHub(); // migrations and the demo release

  const results: Measurement[] = [];
  const record = (scenario: string, target: string, measured: Omit<Measurement, "scenario" | "target">) => {
    results.push({ scenario, target, ...measured });
    console.error(
      `  ${scenario} via ${target}: ${measured.requestsPerSecond.toFixed(0)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms`,
    );
  };
  const hasRows = (count: number) => (json: { data?: Record<string, unknown> }) =>
    ((json.data?.nationals as { edges?: unknown[] } | undefined)?.edges?.length ?? 0) === count;

  // p50 of (a) at about 1,000 people, before the rest is seeded.
  console.error(`seeding 1,000 people…`);
  await seed(1, 1000 - 260);
  const small: Array<Omit<Measurement, "scenario" | "target">> = [];
  for (let round = 0; round < ROUNDS; round += 1)
    small.push(await measure("a", "hub", DASHBOARD, PERSONAS.embassy, hasRows(100)));
  record("a (1,000 people)", "hub", summarise(small));

  console.error(`seeding to ${VICTIMS.toLocaleString("en")} people…`);
  const seedStart = Date.now();
  await seed(1000 - 260 + 1, VICTIMS - 260);
  console.error(`  seeded in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`);

  const profileId = JSON.parse(
    (
      await post(
        url("gateway"),
        `Bearer ${signDevToken({ issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(DATA_DIR, "keys") }, PERSONAS.government)}`,
        "{ victims(first: 1) { edges { node { id } } } }",
      )
    ).text,
  ).data.victims.edges[0].node.id as string;
  const scenarios: Array<{
    name: string;
    query: string;
    persona: DevTokenRequest;
    check: (json: { data?: Record<string, unknown> }) => boolean;
    targets: Array<"hub" | "stock" | "victims">;
  }> = [
    { name: "a", query: DASHBOARD, persona: PERSONAS.embassy, check: hasRows(100), targets: ["hub", "stock"] },
    {
      name: "a, first fetch",
      query: DASHBOARD_FIRST_FETCH,
      persona: PERSONAS.embassy,
      check: hasRows(100),
      targets: ["victims"],
    },
    {
      name: "b",
      query: profile(profileId),
      persona: PERSONAS.government,
      check: (json) => Boolean((json.data?.victim as { id?: string } | undefined)?.id),
      targets: ["hub", "stock"],
    },
    {
      name: "c",
      query: SHELTER_BOARD,
      persona: PERSONAS.ngo,
      check: (json) => ((json.data?.shelters as { edges?: unknown[] } | undefined)?.edges?.length ?? 0) > 6,
      targets: ["hub", "stock"],
    },
  ];
  const rounds = new Map<string, Array<Omit<Measurement, "scenario" | "target">>>();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const scenario of scenarios.filter((entry) => READ_SCENARIOS.includes(entry.name[0]))) {
      // Alternate the order of the targets from round to round.
      const targets = round % 2 === 0 ? scenario.targets : [...scenario.targets].reverse();
      for (const target of targets) {
        const measured = await measure(scenario.name, target, scenario.query, scenario.persona, scenario.check);
        const key = `${scenario.name}\u0000${target}`;
        rounds.set(key, [...(rounds.get(key) ?? []), measured]);
        console.error(
          `  round ${round + 1}: ${scenario.name} via ${target}: ${measured.requestsPerSecond.toFixed(0)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms`,
        );
      }
    }
  }
  for (const [key, measurements] of rounds) {
    const [scenario, target] = key.split("\u0000");
    results.push({ scenario, target, ...summarise(measurements) });
  }

  // (d) a screening day: 1,000 people in one registerVictims, through the hub.
  const intakeSeconds: number[] = [];
  const ngoToken = `Bearer ${signDevToken({ issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(DATA_DIR, "keys") }, { role: "ngo", org: "ngo-bench-intake" })}`;
  for (let round = 0; round < ROUNDS; round += 1) {
    const victims = Array.from({ length: 1000 }, (_, index) => ({
      nationality: "PH",
      gender: "FEMALE",
      ageBracket: "AGE_18_25",
      legalName: `Intake ${round}-${index} (fictional)`,
      identityDocumentNumber: `BX-INTAKE-${round}-${index}`,
    }));
    const startedAt = Date.now();
    const response = await fetch(url("gateway"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: ngoToken },
      body: JSON.stringify({
        query: "mutation ($victims: [RegisterVictimInput!]!) { registerVictims(victims: $victims) { id } }",
        variables: { victims },
      }),
    });
    const json = (await response.json()) as { data?: { registerVictims?: unknown[] }; errors?: unknown[] };
    if (json.errors || json.data?.registerVictims?.length !== 1000)
      throw new Error(`intake: wrong answer ${JSON.stringify(json).slice(0, 300)}`);
    intakeSeconds.push((Date.now() - startedAt) / 1000);
  }

  const rss = Object.fromEntries(running.map((entry) => [entry.name, peakRssMb(entry.child.pid!)]));
  const summary = {
    machine: `${(await import("node:os")).cpus().length} cores, Node ${process.version}, ${server ? "PostgreSQL server" : "embedded PGlite (one per subgraph process)"}`,
    settings: { victims: VICTIMS, seconds: SECONDS, connections: CONNECTIONS, rounds: ROUNDS },
    results,
    intakeSecondsMedian: median(intakeSeconds),
    coldStartSeconds: coldStart.readySeconds,
    idleRssMb: coldStart.idleRssMb,
    idleRssTotalMb: Object.values(coldStart.idleRssMb).reduce((sum, mb) => sum + mb, 0),
    peakRssMb: rss,
    minutes: Number(((Date.now() - began) / 60_000).toFixed(1)),
  };
  fs.writeFileSync(path.join(ROOT, "bench-results.json"), `${JSON.stringify(summary, null, 2)}\n`);
  const rows = results.map(
    (entry) =>
      `| ${entry.scenario} | ${entry.target} | ${entry.requestsPerSecond.toFixed(0)} | ${entry.p50} | ${entry.p99} | ${entry.gatewayCpuMsPerRequest?.toFixed(2) ?? "–"} | ${entry.sqlStatementsPerRequest ?? "–"} | ${entry.peerQuestionsPerRequest ?? "–"} |`,
  );
  const cpuColumns = Object.keys(results[0].cpuMsPerRequest);
  const cpuRows = results.map(
    (entry) =>
      `| ${entry.scenario} | ${entry.target} | ${cpuColumns.map((name) => entry.cpuMsPerRequest[name].toFixed(1)).join(" | ")} |`,
  );
  console.log(
    [
      `Machine: ${summary.machine}; ${VICTIMS.toLocaleString("en")} victims; ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds (medians)`,
      "",
      "| scenario | target | req/s | p50 ms | p99 ms | gateway CPU ms/req | SQL statements/req | service questions/req |",
      "|---|---|---|---|---|---|---|---|",
      ...rows,
      "",
      "CPU ms per request, by process (machine: all cores, the load generator included):",
      "",
      `| scenario | target | ${cpuColumns.join(" | ")} |`,
      `|---|---|${cpuColumns.map(() => "---").join("|")}|`,
      ...cpuRows,
      "",
      `(d) registerVictims of 1,000 people through the hub: median ${summary.intakeSecondsMedian.toFixed(2)} s`,
      `npm start from an empty data directory: ready in ${summary.coldStartSeconds.toFixed(1)} s; idle RSS after ${IDLE_SECONDS} s ${summary.idleRssTotalMb} MB (${Object.entries(
        summary.idleRssMb,
      )
        .map(([name, mb]) => `${name} ${mb}`)
        .join(", ")})`,
      `Peak RSS under load (MB): ${Object.entries(summary.peakRssMb)
        .map(([name, mb]) => `${name} ${mb}`)
        .join(", ")}`,
      `Whole run: ${summary.minutes} min`,
    ].join("\n"),
  );
}

async function shutdown(): Promise<void> {
  const stopping = running.splice(0);
  for (const entry of stopping) entry.child.kill("SIGTERM");
  await Promise.all(
    stopping.map(
      (entry) =>
        new Promise((resolve) => (entry.child.exitCode !== null ? resolve(null) : entry.child.once("exit", resolve))),
    ),
  );
}

main()
  .then(shutdown, async (error: Error) => {
    console.error(`bench failed: ${error.message}`);
    await shutdown();
    process.exitCode = 1;
  })
  .finally(() => process.exit());
