/**
 * `npm run bench`: a reproducible benchmark of the hub against a stock @apollo/gateway
 * over the same subgraphs and data (docs/performance.md).
 *
 * 0. `npm start` from an empty data directory: seconds until ready, and the processes'
 *    resident memory once idle (measure.ts).
 * 1. The hub (hub.ts): a database per subgraph (embedded, or the `<SUBGRAPH>_DATABASE_URL`s
 *    given), the subgraphs (demo data, then BENCH_VICTIMS more people seeded with SQL,
 *    seed.ts), the hub's gateway (every auth, limit, audit, rate-limit and logging feature
 *    on) and a stock gateway (stock-gateway.ts).
 * 2. Scenarios (scenarios.ts): (a) an embassy's dashboard — 100 nationals with placement,
 *    documents and repatriation across all four subgraphs; (b) one full victim profile for
 *    government; (c) the shelter board; through the hub, the stock gateway, and for (a)'s
 *    first fetch straight at the victims subgraph; (d) a 1,000-person registerVictims.
 *    Each read scenario also has the floor (floor.ts): the same answer with only the SQL,
 *    audit appends and token verification it needs, checked byte for byte against the hub's;
 *    beside the hub on a server, after it (the hub stopped) on PGlite. (a)'s p50 is measured
 *    at 1,000 and 10,000 people before the rest is seeded, its statements at pages of 1, 10, 100.
 * 3. Each measurement runs BENCH_ROUNDS times, targets alternating, with autocannon in a
 *    process of its own checking every body (load.ts); medians of requests/s, p50/p99,
 *    gateway CPU ms per request, SQL statements per request and peak RSS of every process;
 *    every figure of the hub and the stock gateway beside the floor's as a ratio. The run
 *    ends by checking that every subgraph's audit chain still verifies.
 * Settings (settings.ts): BENCH_VICTIMS (100000), BENCH_SECONDS (6), BENCH_CONNECTIONS (20),
 * BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (2, unmeasured load before each measurement),
 * BENCH_PROFILE (processes to CPU-profile, e.g. "gateway"), BENCH_READS (read scenarios
 * to measure, default "a,b,c"), BENCH_COLD_START (0 skips step 0), BENCH_NODE (the Node binary
 * of every measured process).
 * Results (report.ts): a table on stdout and bench-results.json.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { GATEWAY } from "../../platform/processes";
import { BenchHub, benchEnvironment, ON_SERVER } from "./hub";
import {
  checkSameBytes,
  dataText,
  measure,
  measureColdStart,
  median,
  peakRssMb,
  post,
  countedDuring,
  statementsOf,
  summarise,
  type Figures,
  type Measurement,
} from "./measure";
import { progress, report, summary } from "./report";
import {
  dashboard,
  FIRST_VICTIM,
  hasRows,
  INTAKE,
  readScenarios,
  SMALL_DASHBOARD,
  type ReadScenario,
  type Target,
} from "./scenarios";
import { authorization, BENCH_NODE, DATA_DIR, FLOOR, graphqlUrl, HUB_GATEWAY_URL, SETTINGS } from "./settings";
import { PERSONAS } from "../../demo/personas";

/** The demo release's people: seeded numbers start after them. */
const DEMO_PEOPLE = 260;

/** (a)'s page sizes whose SQL statements per request are compared (they should not grow with the page). */
const PAGE_SIZES = [1, 10, 100];

async function intakeSeconds(round: number): Promise<number> {
  const startedAt = Date.now();
  const response = await fetch(HUB_GATEWAY_URL, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: authorization(INTAKE.persona) },
    body: JSON.stringify(INTAKE.request(round)),
  });
  const json = (await response.json()) as Parameters<typeof INTAKE.check>[0];
  if (!INTAKE.check(json)) throw new Error(`intake: wrong answer ${JSON.stringify(json).slice(0, 300)}`);
  return (Date.now() - startedAt) / 1000;
}

/**
 * Every subgraph's audit chain still verifies after the run, the floor's appends among its
 * entries (it appends through the same `audit_append`): a run that broke a chain fails.
 */
async function checkAuditChains(): Promise<void> {
  const answer = await post(
    HUB_GATEWAY_URL,
    authorization(PERSONAS.auditor),
    "{ verifyAuditChain { subgraph entries intact problem } }",
  );
  const reports = (answer.json.data?.verifyAuditChain ?? []) as Array<{
    subgraph: string;
    entries: number;
    intact: boolean;
  }>;
  if (answer.json.errors || reports.length === 0 || reports.some((report) => !report.intact))
    throw new Error(`an audit chain does not verify after the run: ${answer.text.slice(0, 500)}`);
  console.error(`  audit chains intact: ${reports.map((report) => `${report.subgraph} ${report.entries}`).join(", ")}`);
}

/** Measures `scenario` at `target` BENCH_ROUNDS times; the rows' medians. */
async function rounds(scenario: ReadScenario, target: Target, hub: BenchHub): Promise<Figures> {
  const figures: Figures[] = [];
  for (let round = 0; round < SETTINGS.rounds; round += 1) figures.push(await measure(scenario, target, hub.running));
  return summarise(figures);
}

/** SQL statements of one (a) answer at each page size of the sweep, and its `data` (the floor's is compared). */
async function pageSweep(
  target: "hub" | "floor",
): Promise<Record<number, { statements: number | null; data: string }>> {
  const sweep: Record<number, { statements: number | null; data: string }> = {};
  for (const first of PAGE_SIZES) {
    const send = () =>
      post(graphqlUrl(target === "hub" ? GATEWAY : FLOOR), authorization(PERSONAS.embassyPH), dashboard(first));
    // The hub's count from its subgraphs' totals around this one request; the floor's from its answer.
    const { result: answer, counted } =
      target === "hub" ? await countedDuring(send) : { result: await send(), counted: null };
    if (answer.json.errors || !hasRows(first)(answer.json))
      throw new Error(`(a) with ${first} per page via ${target}: wrong answer: ${answer.text.slice(0, 300)}`);
    sweep[first] = { statements: counted ? counted.sqlStatements : statementsOf(answer), data: dataText(answer) };
  }
  return sweep;
}

async function run(hub: BenchHub, env: Record<string, string>): Promise<void> {
  const began = Date.now();
  const nodeVersion = execFileSync(BENCH_NODE, ["-p", "process.version"], { encoding: "utf8" }).trim();
  console.error(`measured processes on Node ${nodeVersion} (${BENCH_NODE})`);
  console.error("npm start from an empty data directory…");
  const coldStart = SETTINGS.coldStart ? await measureColdStart(env) : { readySeconds: NaN, idleRssMb: {} };
  console.error(`  ready in ${coldStart.readySeconds.toFixed(1)} s; idle RSS ${JSON.stringify(coldStart.idleRssMb)}`);

  await hub.start(); // migrations and the demo release

  const results: Measurement[] = [];
  // p50 of (a) at 1,000 and 10,000 people before the rest is seeded: it should not grow with the people.
  let seeded = DEMO_PEOPLE;
  for (const people of [1000, 10_000].filter((count) => count < SETTINGS.victims)) {
    console.error(`seeding ${people.toLocaleString("en")} people…`);
    await hub.seed(seeded - DEMO_PEOPLE + 1, people - DEMO_PEOPLE);
    seeded = people;
    const scenario = `a (${people.toLocaleString("en")} people)`;
    const figures = await rounds(SMALL_DASHBOARD, "hub", hub);
    results.push({ scenario, target: "hub", ...figures });
    progress(scenario, "hub", figures);
  }

  console.error(`seeding to ${SETTINGS.victims.toLocaleString("en")} people…`);
  const seedStart = Date.now();
  await hub.seed(seeded - DEMO_PEOPLE + 1, SETTINGS.victims - DEMO_PEOPLE);
  console.error(`  seeded in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`);

  const first = await post(HUB_GATEWAY_URL, authorization(PERSONAS.government), FIRST_VICTIM);
  const profileId = (first.json.data as { victims: { edges: Array<{ node: { id: string } }> } }).victims.edges[0].node
    .id;
  const scenarios = readScenarios(profileId).filter((entry) => SETTINGS.readScenarios.includes(entry.name[0]));
  // On a server the floor runs beside the hub, its rounds alternating with the gateways';
  // on PGlite it opens the subgraphs' data directories, so it is measured after the hub, stopped.
  if (ON_SERVER) await hub.startFloor();
  const measured = new Map<string, Figures[]>();
  /** The hub's and the floor's answers (`data`) to each scenario: the floor's must be the hub's, byte for byte. */
  const answers = new Map<string, string[]>();
  const measureRounds = async (targetsNow: (scenario: ReadScenario) => Target[]) => {
    for (let round = 0; round < SETTINGS.rounds; round += 1) {
      for (const scenario of scenarios) {
        // Alternate the order of the targets from round to round.
        const targets = round % 2 === 0 ? targetsNow(scenario) : [...targetsNow(scenario)].reverse();
        for (const target of targets) {
          const { answers: seen, ...figures } = await measure(scenario, target, hub.running);
          const key = `${scenario.name}\u0000${target}`;
          measured.set(key, [...(measured.get(key) ?? []), figures]);
          answers.set(key, [...(answers.get(key) ?? []), ...seen]);
          progress(`round ${round + 1}: ${scenario.name}`, target, figures);
        }
      }
    }
  };
  await measureRounds((scenario) => scenario.targets.filter((target) => ON_SERVER || target !== FLOOR));
  const hubSweep = await pageSweep("hub");
  const peak = Object.fromEntries(hub.running.map((entry) => [entry.name, peakRssMb(entry.child.pid!)]));

  let floorSweep = hubSweep;
  if (ON_SERVER) floorSweep = await pageSweep("floor");
  else {
    await hub.stop();
    await hub.startFloor();
    await measureRounds((scenario) => scenario.targets.filter((target) => target === FLOOR));
    floorSweep = await pageSweep("floor");
  }
  const floorProcess = hub.running.find((entry) => entry.name === FLOOR)!;
  peak[FLOOR] = peakRssMb(floorProcess.child.pid!);

  // Byte for byte: every floor answer seen (first and after each round's load) against the hub's first.
  for (const scenario of scenarios) {
    const hubAnswer = answers.get(`${scenario.name}\u0000hub`)?.[0];
    for (const floorAnswer of answers.get(`${scenario.name}\u0000${FLOOR}`) ?? [])
      if (hubAnswer !== undefined) checkSameBytes(`(${scenario.name})`, hubAnswer, floorAnswer);
  }
  for (const size of PAGE_SIZES)
    checkSameBytes(`(a) with ${size} per page`, hubSweep[size].data, floorSweep[size].data);
  console.error("  the floor's answers are the hub's, byte for byte");

  for (const [key, figures] of measured) {
    const [scenario, target] = key.split("\u0000");
    results.push({ scenario, target, ...summarise(figures) });
  }

  // (d) a screening day: 1,000 people in one registerVictims, through the hub (running again on PGlite).
  if (!ON_SERVER) {
    await hub.stop();
    await hub.start();
  }
  const intake: number[] = [];
  for (let round = 0; round < SETTINGS.rounds; round += 1) intake.push(await intakeSeconds(round));

  await checkAuditChains();

  const statementsByPageSize = Object.fromEntries(
    PAGE_SIZES.map((size) => [size, { hub: hubSweep[size].statements, floor: floorSweep[size].statements }]),
  );
  report(
    summary({
      server: ON_SERVER,
      nodeVersion,
      results,
      statementsByPageSize,
      intakeSecondsMedian: median(intake),
      coldStart,
      peakRssMb: peak,
      began,
    }),
  );
}

export async function main(): Promise<void> {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  fs.mkdirSync(DATA_DIR, { recursive: true });
  // Each subgraph runs its own embedded database in its own process, as `npm start` does;
  // seeding opens them from here while the subgraphs are stopped (PGlite is one session).
  const env = benchEnvironment();
  const hub = new BenchHub(env);
  try {
    await run(hub, env);
    await hub.stop();
  } catch (error) {
    console.error(`bench failed: ${(error as Error).message}`);
    await hub.stop();
    process.exitCode = 1;
  } finally {
    process.exit();
  }
}
