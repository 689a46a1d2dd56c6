/** The benchmark's results: bench-results.json and the table on stdout. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../../platform/processes";
import { IDLE_SECONDS, type FloorRatio, type Measurement } from "./measure";
import { BENCH_NODE, FLOOR, SETTINGS } from "./settings";

export interface BenchSummary {
  machine: string;
  /** `process.version` of the measured processes (BENCH_NODE, else the bench's own Node). */
  nodeVersion: string;
  node: string;
  settings: { victims: number; seconds: number; connections: number; rounds: number };
  results: Measurement[];
  /** SQL statements of one (a) answer at page sizes 1, 10 and 100, through the hub and the floor. */
  statementsByPageSize: Record<string, { hub: number | null; floor: number | null }>;
  /** (a)'s p50 through the hub by the number of people. */
  dashboardP50ByPeople: Record<string, number>;
  intakeSecondsMedian: number;
  coldStartSeconds: number;
  idleRssMb: Record<string, number>;
  idleRssTotalMb: number;
  peakRssMb: Record<string, number>;
  minutes: number;
}

/** Each hub and stock row's machine CPU, p50 and p99 over the floor's for the same scenario. */
function withFloorRatios(results: Measurement[]): Measurement[] {
  const ratio = (value: number, floor: number) => Number((value / floor).toFixed(2));
  return results.map((entry) => {
    const floor = results.find((other) => other.target === FLOOR && other.scenario === entry.scenario);
    if (!floor || entry.target === FLOOR) return entry;
    const floorRatio: FloorRatio = {
      machineCpuMsPerRequest: ratio(entry.cpuMsPerRequest.machine, floor.cpuMsPerRequest.machine),
      p50: ratio(entry.p50, floor.p50),
      p99: ratio(entry.p99, floor.p99),
    };
    return { ...entry, floorRatio };
  });
}

export function summary(facts: {
  server: boolean;
  nodeVersion: string;
  results: Measurement[];
  statementsByPageSize: BenchSummary["statementsByPageSize"];
  intakeSecondsMedian: number;
  coldStart: { readySeconds: number; idleRssMb: Record<string, number> };
  peakRssMb: Record<string, number>;
  began: number;
}): BenchSummary {
  return {
    machine: `${os.cpus().length} cores, Node ${facts.nodeVersion}, ${facts.server ? "PostgreSQL server" : "embedded PGlite (one per subgraph process)"}`,
    settings: {
      victims: SETTINGS.victims,
      seconds: SETTINGS.seconds,
      connections: SETTINGS.connections,
      rounds: SETTINGS.rounds,
    },
    nodeVersion: facts.nodeVersion,
    node: BENCH_NODE,
    results: withFloorRatios(facts.results),
    statementsByPageSize: facts.statementsByPageSize,
    dashboardP50ByPeople: Object.fromEntries(
      facts.results
        .filter((entry) => entry.target === "hub" && /^a( \(|$)/.test(entry.scenario))
        .map((entry) => [
          Number(/\(([\d,]+) people\)/.exec(entry.scenario)?.[1]?.replace(/,/g, "") ?? SETTINGS.victims),
          entry.p50,
        ]),
    ),
    intakeSecondsMedian: facts.intakeSecondsMedian,
    coldStartSeconds: facts.coldStart.readySeconds,
    idleRssMb: facts.coldStart.idleRssMb,
    idleRssTotalMb: Object.values(facts.coldStart.idleRssMb).reduce((sum, mb) => sum + mb, 0),
    peakRssMb: facts.peakRssMb,
    minutes: Number(((Date.now() - facts.began) / 60_000).toFixed(1)),
  };
}

/** Writes bench-results.json at the repository's root and prints the table. */
export function report(summary: BenchSummary): void {
  fs.writeFileSync(path.join(ROOT, "bench-results.json"), `${JSON.stringify(summary, null, 2)}\n`);
  const { results } = summary;
  // Beside each figure its ratio to the floor's, where the scenario has a floor row.
  const times = (ratio: number | undefined) => (ratio === undefined ? "" : ` (${ratio.toFixed(1)}×)`);
  const rows = results.map(
    (entry) =>
      `| ${entry.scenario} | ${entry.target} | ${entry.requestsPerSecond.toFixed(0)} | ${entry.p50}${times(entry.floorRatio?.p50)} | ${entry.p99}${times(entry.floorRatio?.p99)} | ${entry.cpuMsPerRequest.machine.toFixed(1)}${times(entry.floorRatio?.machineCpuMsPerRequest)} | ${entry.gatewayCpuMsPerRequest?.toFixed(2) ?? "–"} | ${entry.sqlStatementsPerRequest ?? "–"} | ${entry.peerQuestionsPerRequest ?? "–"} |`,
  );
  // Every process any row counted (the floor's rows on PGlite count the floor alone).
  const cpuColumns = [...new Set(results.flatMap((entry) => Object.keys(entry.cpuMsPerRequest)))];
  const cpuRows = results.map(
    (entry) =>
      `| ${entry.scenario} | ${entry.target} | ${cpuColumns.map((name) => entry.cpuMsPerRequest[name]?.toFixed(1) ?? "–").join(" | ")} |`,
  );
  const bySubgraph = results
    .filter((entry) => entry.sqlStatementsBySubgraph && (entry.target === "hub" || entry.target === FLOOR))
    .map(
      (entry) =>
        `${entry.scenario} via ${entry.target}: ${Object.entries(entry.sqlStatementsBySubgraph!)
          .map(([name, count]) => `${name} ${count}`)
          .join(", ")}`,
    );
  const sweep = Object.entries(summary.statementsByPageSize)
    .map(([size, counts]) => `${size}: hub ${counts.hub ?? "–"}, floor ${counts.floor ?? "–"}`)
    .join("; ");
  console.log(
    [
      `Machine: ${summary.machine} (${summary.node}); ${SETTINGS.victims.toLocaleString("en")} victims; ${SETTINGS.connections} connections, ${SETTINGS.seconds} s × ${SETTINGS.rounds} rounds (medians)`,
      "",
      "(×) is the figure over the floor's, same scenario, same run.",
      "",
      "| scenario | target | req/s | p50 ms | p99 ms | machine CPU ms/req | gateway CPU ms/req | SQL statements/req | service questions/req |",
      "|---|---|---|---|---|---|---|---|---|",
      ...rows,
      "",
      `SQL statements per fetch (by subgraph): ${bySubgraph.join("; ")}`,
      `(a) SQL statements per request by page size: ${sweep}`,
      `(a) p50 through the hub by people: ${Object.entries(summary.dashboardP50ByPeople)
        .map(([people, p50]) => `${people}: ${p50} ms`)
        .join("; ")}`,
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

/** The line each measurement prints on stderr as it is made. */
export function progress(label: string, target: string, figures: Omit<Measurement, "scenario" | "target">): void {
  console.error(
    `  ${label} via ${target}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms`,
  );
}
