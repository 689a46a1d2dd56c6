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
 * 3. Each measurement runs BENCH_ROUNDS times, targets alternating, with autocannon in a
 *    process of its own checking every body (load.ts); medians of requests/s, p50/p99,
 *    gateway CPU ms per request, SQL statements per request and peak RSS of every process.
 * Settings (settings.ts): BENCH_VICTIMS (100000), BENCH_SECONDS (6), BENCH_CONNECTIONS (20),
 * BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (2, unmeasured load before each measurement),
 * BENCH_PROFILE (processes to CPU-profile, e.g. "gateway"), BENCH_READS (read scenarios
 * to measure, default "a,b,c"), BENCH_COLD_START (0 skips step 0).
 * Results (report.ts): a table on stdout and bench-results.json.
 */
import fs from "node:fs";
import { BenchHub, benchEnvironment, ON_SERVER } from "./hub";
import {
  measure,
  measureColdStart,
  median,
  peakRssMb,
  post,
  summarise,
  type Figures,
  type Measurement,
} from "./measure";
import { progress, report, summary } from "./report";
import { FIRST_VICTIM, INTAKE, readScenarios, SMALL_DASHBOARD } from "./scenarios";
import { authorization, DATA_DIR, HUB_GATEWAY_URL, SETTINGS } from "./settings";
import { PERSONAS } from "../../demo/personas";

/** The demo release's people: seeded numbers start after them. */
const DEMO_PEOPLE = 260;

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

async function run(hub: BenchHub, env: Record<string, string>): Promise<void> {
  const began = Date.now();
  console.error("npm start from an empty data directory…");
  const coldStart = SETTINGS.coldStart ? await measureColdStart(env) : { readySeconds: NaN, idleRssMb: {} };
  console.error(`  ready in ${coldStart.readySeconds.toFixed(1)} s; idle RSS ${JSON.stringify(coldStart.idleRssMb)}`);

  await hub.start(); // migrations and the demo release

  const results: Measurement[] = [];
  // p50 of (a) at about 1,000 people, before the rest is seeded.
  console.error(`seeding 1,000 people…`);
  await hub.seed(1, 1000 - DEMO_PEOPLE);
  const small: Figures[] = [];
  for (let round = 0; round < SETTINGS.rounds; round += 1)
    small.push(await measure(SMALL_DASHBOARD, "hub", hub.running));
  const smallFigures = summarise(small);
  results.push({ scenario: "a (1,000 people)", target: "hub", ...smallFigures });
  progress("a (1,000 people)", "hub", smallFigures);

  console.error(`seeding to ${SETTINGS.victims.toLocaleString("en")} people…`);
  const seedStart = Date.now();
  await hub.seed(1000 - DEMO_PEOPLE + 1, SETTINGS.victims - DEMO_PEOPLE);
  console.error(`  seeded in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`);

  const first = await post(HUB_GATEWAY_URL, authorization(PERSONAS.government), FIRST_VICTIM);
  const profileId = (first.json.data as { victims: { edges: Array<{ node: { id: string } }> } }).victims.edges[0].node
    .id;
  const rounds = new Map<string, Figures[]>();
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    for (const scenario of readScenarios(profileId).filter((entry) => SETTINGS.readScenarios.includes(entry.name[0]))) {
      // Alternate the order of the targets from round to round.
      const targets = round % 2 === 0 ? scenario.targets : [...scenario.targets].reverse();
      for (const target of targets) {
        const figures = await measure(scenario, target, hub.running);
        const key = `${scenario.name}\u0000${target}`;
        rounds.set(key, [...(rounds.get(key) ?? []), figures]);
        progress(`round ${round + 1}: ${scenario.name}`, target, figures);
      }
    }
  }
  for (const [key, measurements] of rounds) {
    const [scenario, target] = key.split("\u0000");
    results.push({ scenario, target, ...summarise(measurements) });
  }

  // (d) a screening day: 1,000 people in one registerVictims, through the hub.
  const intake: number[] = [];
  for (let round = 0; round < SETTINGS.rounds; round += 1) intake.push(await intakeSeconds(round));

  const peak = Object.fromEntries(hub.running.map((entry) => [entry.name, peakRssMb(entry.child.pid!)]));
  report(
    summary({ server: ON_SERVER, results, intakeSecondsMedian: median(intake), coldStart, peakRssMb: peak, began }),
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
