/** The benchmark's results: bench-results.json and the table on stdout. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../../platform/processes";
import { IDLE_SECONDS, type Measurement } from "./measure";
import { SETTINGS } from "./settings";

export interface BenchSummary {
  machine: string;
  settings: { victims: number; seconds: number; connections: number; rounds: number };
  results: Measurement[];
  intakeSecondsMedian: number;
  coldStartSeconds: number;
  idleRssMb: Record<string, number>;
  idleRssTotalMb: number;
  peakRssMb: Record<string, number>;
  minutes: number;
}

export function summary(facts: {
  server: boolean;
  results: Measurement[];
  intakeSecondsMedian: number;
  coldStart: { readySeconds: number; idleRssMb: Record<string, number> };
  peakRssMb: Record<string, number>;
  began: number;
}): BenchSummary {
  return {
    machine: `${os.cpus().length} cores, Node ${process.version}, ${facts.server ? "PostgreSQL server" : "embedded PGlite (one per subgraph process)"}`,
    settings: {
      victims: SETTINGS.victims,
      seconds: SETTINGS.seconds,
      connections: SETTINGS.connections,
      rounds: SETTINGS.rounds,
    },
    results: facts.results,
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
      `Machine: ${summary.machine}; ${SETTINGS.victims.toLocaleString("en")} victims; ${SETTINGS.connections} connections, ${SETTINGS.seconds} s × ${SETTINGS.rounds} rounds (medians)`,
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

/** The line each measurement prints on stderr as it is made. */
export function progress(label: string, target: string, figures: Omit<Measurement, "scenario" | "target">): void {
  console.error(
    `  ${label} via ${target}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms`,
  );
}
