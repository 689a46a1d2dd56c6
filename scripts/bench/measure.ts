/**
 * Measurements: autocannon runs in a process of their own (load.ts) checking every body,
 * CPU time from /proc, resident memory, SQL statements and service questions per request,
 * and `npm start`'s cold start.
 */
import { execFile } from "node:child_process";
import type { KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createRequestSigner } from "../../platform/auth/request-signature";
import { DIST, GATEWAY, launch, ROOT, stopProcess, type LaunchedProcess } from "../../platform/processes";
import { DIAGNOSTIC_COUNTERS_PATH } from "../../platform/request-scope";
import { SUBGRAPH_NAMES } from "../../subgraphs/index";
import type { ReadScenario, Target } from "./scenarios";
import { authorization, BENCH_NODE, DATA_DIR, FLOOR, graphqlUrl, gatewaySigningKey, SETTINGS, STOCK } from "./settings";

export interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  gatewayCpuMsPerRequest: number | null;
  /** CPU ms per request of each hub process and of the whole machine (all cores, load generator included). */
  cpuMsPerRequest: Record<string, number>;
  sqlStatementsPerRequest: number | null;
  /** The same by subgraph (the floor: by the subgraph's database), i.e. per fetch. */
  sqlStatementsBySubgraph: Record<string, number> | null;
  /** Service questions between subgraphs per request (development report of the hub's gateway). */
  peerQuestionsPerRequest: number | null;
}

/** A figure of the hub or the stock gateway over the floor's for the same scenario, in the same run. */
export interface FloorRatio {
  machineCpuMsPerRequest: number;
  p50: number;
  p99: number;
}

export interface Measurement extends Figures {
  scenario: string;
  target: string;
  /** Hub and stock rows with a floor row of the same scenario. */
  floorRatio?: FloorRatio;
}

/** One round's figures and the `data` of a sample answer before and one after the load (for the floor's comparison). */
export interface Round extends Figures {
  answers: string[];
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

export const peakRssMb = (pid: number) => statusMb(pid, "VmHWM");

/** The processes a process started (Linux: /proc/<pid>/task/<tid>/children). */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/))
    .filter(Boolean)
    .map(Number);
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

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export const IDLE_SECONDS = 20;

/**
 * `npm start` from an empty data directory (compiled already): seconds until the
 * supervisor reports all its processes ready, then the resident memory of each after
 * IDLE_SECONDS without requests (the demo data loaded, nothing else).
 */
export async function measureColdStart(
  env: Record<string, string>,
): Promise<{ readySeconds: number; idleRssMb: Record<string, number> }> {
  const startedAt = Date.now();
  const supervisor = launch({
    name: "npm start",
    entry: path.join(DIST, "scripts", "start.js"),
    execPath: BENCH_NODE,
    env: { ...env, HUB_DATA_DIR: path.join(DATA_DIR, "cold-start") },
    forward: "stderr",
  });
  try {
    const readySeconds = await new Promise<number>((resolve, reject) => {
      let output = "";
      supervisor.child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (/Survivor Hub is ready in/.test(output)) resolve((Date.now() - startedAt) / 1000);
      });
      supervisor.child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready`)));
    });
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idleRssMb: Record<string, number> = {};
    for (const pid of childrenOf(supervisor.child.pid!)) {
      // argv[1] is dist/subgraphs/<name>/index.js or dist/gateway/index.js.
      const entry = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[1] ?? String(pid);
      idleRssMb[path.basename(path.dirname(entry))] = statusMb(pid, "VmRSS");
    }
    return { readySeconds, idleRssMb };
  } finally {
    // The supervisor stops its children; no SIGKILL grace shorter than theirs.
    await stopProcess(supervisor, { graceMs: 30_000 });
  }
}

export interface Answer {
  text: string;
  json: {
    data?: Record<string, unknown>;
    errors?: unknown[];
    extensions?: { sqlStatements?: Record<string, number>; peerQuestions?: Record<string, number> };
  };
}

/** One request; `signingKey` (the gateway's) signs it as the gateway would (straight at a subgraph). */
export async function post(
  target: string,
  authorizationHeader: string,
  query: string,
  signingKey?: KeyObject,
): Promise<Answer> {
  const body = JSON.stringify({ query });
  const plain = { "content-type": "application/json", authorization: authorizationHeader };
  const headers = signingKey ? createRequestSigner("gateway", signingKey).signed("POST", target, body, plain) : plain;
  const response = await fetch(target, { method: "POST", headers, body });
  const text = await response.text();
  return { text, json: JSON.parse(text) };
}

type Counted = { sqlStatements: number; peerQuestions: number };
type CountedBySubgraph = Counted & { sqlStatementsBySubgraph: Record<string, number> };

/**
 * Every subgraph's process-wide diagnostic totals (HUB_DIAGNOSTIC_COUNTERS=totals: the hub
 * measured runs without a per-request AsyncLocalStorage), read on its signed route.
 */
async function counterTotals(): Promise<Record<string, Counted>> {
  const signer = createRequestSigner("gateway", gatewaySigningKey());
  const read = async (name: string): Promise<[string, Counted]> => {
    const url = new URL(DIAGNOSTIC_COUNTERS_PATH, graphqlUrl(name)).toString();
    const response = await fetch(url, { method: "POST", headers: signer.signed("POST", url, "", {}) });
    if (!response.ok) throw new Error(`${name}: diagnostic totals unavailable (${response.status})`);
    return [name, (await response.json()) as Counted];
  };
  return Object.fromEntries(await Promise.all(SUBGRAPH_NAMES.map(read)));
}

/** How often a read is counted: the fewest statements of these tries is its count. */
const COUNT_TRIES = 5;

/**
 * What one read alone (nothing else sent) added to every subgraph's totals. The totals are the
 * whole process's, so a subgraph's background work falling in the window counts too (the
 * victims subgraph's erasure outbox looks for orders due once a second: one statement, seen
 * in a third of the windows of a 360 ms dashboard); the read is sent COUNT_TRIES times and
 * the try with the fewest statements is the count (the same read makes the same statements).
 */
export async function countedDuring<T>(work: () => Promise<T>): Promise<{ result: T; counted: CountedBySubgraph }> {
  let fewest: { result: T; counted: CountedBySubgraph } | undefined;
  for (let attempt = 0; attempt < COUNT_TRIES; attempt++) {
    const before = await counterTotals();
    const result = await work();
    const after = await counterTotals();
    const counted: CountedBySubgraph = { sqlStatements: 0, peerQuestions: 0, sqlStatementsBySubgraph: {} };
    for (const name of SUBGRAPH_NAMES) {
      const statements = after[name].sqlStatements - before[name].sqlStatements;
      counted.sqlStatementsBySubgraph[name] = statements;
      counted.sqlStatements += statements;
      counted.peerQuestions += after[name].peerQuestions - before[name].peerQuestions;
    }
    if (!fewest || counted.sqlStatements < fewest.counted.sqlStatements) fewest = { result, counted };
  }
  return fewest!;
}

/** The median of each figure over rounds of one scenario and target. */
export function summarise(rounds: Figures[]): Figures {
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
    sqlStatementsBySubgraph: rounds[0].sqlStatementsBySubgraph,
    peerQuestionsPerRequest: rounds[0].peerQuestionsPerRequest,
  };
}

const TARGET_PROCESS: Record<Target, string> = { hub: GATEWAY, stock: STOCK, victims: "victims", floor: FLOOR };

/** Statements in an answer's development report (the hub's subgraphs, or the floor's databases). */
export function statementsOf(answer: Answer): number | null {
  const statements = answer.json.extensions?.sqlStatements;
  return statements ? Object.values(statements).reduce((sum, count) => sum + count, 0) : null;
}

/** The `data` of an answer as the client receives it, serialised. */
export const dataText = (answer: Answer) => JSON.stringify(answer.json.data);

/**
 * Fails unless the floor's `data` is the hub's byte for byte, naming the first differing
 * offset: a floor that answers something else measures nothing.
 */
export function checkSameBytes(label: string, hub: string, floor: string): void {
  const [a, b] = [Buffer.from(hub), Buffer.from(floor)];
  if (a.equals(b)) return;
  let offset = 0;
  while (offset < a.length && offset < b.length && a[offset] === b[offset]) offset += 1;
  const around = (bytes: Buffer) => bytes.subarray(Math.max(0, offset - 60), offset + 60).toString();
  throw new Error(
    `${label}: the floor's answer differs from the hub's at byte ${offset} (hub ${a.length} bytes, floor ${b.length}):\n  hub:   …${around(a)}…\n  floor: …${around(b)}…`,
  );
}

/**
 * One round of one scenario at one target: a checked sample answer, an unmeasured
 * warm-up, then BENCH_SECONDS of load over BENCH_CONNECTIONS; `running` are the
 * processes whose CPU time is counted.
 */
export async function measure(scenario: ReadScenario, target: Target, running: LaunchedProcess[]): Promise<Round> {
  const targetUrl = graphqlUrl(TARGET_PROCESS[target]);
  const bearer = authorization(scenario.persona);
  const signingKey = target === "victims" ? gatewaySigningKey() : undefined;
  // Counted for the hub only, as its gateway reported them per request before (totals: see counterTotals).
  // The hub's statements from its subgraphs' totals around one request alone (HUB_DIAGNOSTIC_COUNTERS=totals); the
  // floor reports its own in the answer; on PGlite the hub is stopped while the floor runs.
  const send = () => post(targetUrl, bearer, scenario.query, signingKey);
  const { result: sample, counted } =
    target === "hub" ? await countedDuring(send) : { result: await send(), counted: null };
  if (sample.json.errors || !scenario.check(sample.json))
    throw new Error(`${scenario.name} via ${target}: wrong answer: ${sample.text.slice(0, 300)}`);
  // The floor has no gateway: its CPU is its own column.
  const gatewayPid =
    target === "victims" || target === "floor"
      ? undefined
      : running.find((entry) => entry.name === TARGET_PROCESS[target])!.child.pid!;
  const load = {
    url: targetUrl,
    authorization: bearer,
    body: JSON.stringify({ query: scenario.query }),
    expectedData: JSON.stringify(sample.json.data),
    connections: SETTINGS.connections,
    seconds: SETTINGS.seconds,
    // The child process gets the key as PKCS#8 PEM text (its argument is JSON).
    signingKeyPem: signingKey?.export({ type: "pkcs8", format: "pem" }).toString(),
  };
  const runLoad = (seconds: number) =>
    promisify(execFile)(
      process.execPath,
      [path.join(DIST, "scripts", "bench", "load.js"), JSON.stringify({ ...load, seconds })],
      { cwd: ROOT, maxBuffer: 1 << 20 },
    );
  // Warm-up, not measured: JIT, plan caches and database buffers as a running hub has them.
  await runLoad(SETTINGS.warmupSeconds);
  const cpuBefore = gatewayPid ? cpuMs(gatewayPid) : 0;
  const processesBefore = running.map((entry) => cpuMs(entry.child.pid!));
  const machineBefore = machineBusyMs();
  const { stdout } = await runLoad(SETTINGS.seconds);
  const machineSpent = machineBusyMs() - machineBefore;
  const gatewaySpent = gatewayPid ? cpuMs(gatewayPid) - cpuBefore : 0;
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
  const later = await post(targetUrl, bearer, scenario.query, signingKey);
  // Every answer must have been the checked one: a benchmark of wrong answers is worthless.
  if (result.non2xx || result.errors || result.timeouts || result.mismatches)
    throw new Error(`${scenario.name} via ${target}: ${JSON.stringify(result)}`);
  if (later.json.errors || dataText(later) !== dataText(sample))
    throw new Error(`${scenario.name} via ${target}: an answer after the load differs: ${later.text.slice(0, 300)}`);
  if (result.requests < SETTINGS.connections)
    throw new Error(
      `${scenario.name} via ${target}: only ${result.requests} answers in ${SETTINGS.seconds} s; per-request figures need a longer BENCH_SECONDS`,
    );
  return {
    answers: [dataText(sample), dataText(later)],
    requestsPerSecond: result.requestsPerSecond,
    p50: result.p50,
    p99: result.p99,
    gatewayCpuMsPerRequest: gatewayPid ? gatewaySpent / result.requests : null,
    cpuMsPerRequest: Object.fromEntries(
      [...processesSpent, ["machine", machineSpent] as const].map(([name, spent]) => [name, spent / result.requests]),
    ),
    sqlStatementsPerRequest: counted ? counted.sqlStatements : statementsOf(sample),
    sqlStatementsBySubgraph: counted
      ? counted.sqlStatementsBySubgraph
      : (sample.json.extensions?.sqlStatements ?? null),
    peerQuestionsPerRequest: counted ? counted.peerQuestions : null,
  };
}
