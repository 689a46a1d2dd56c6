/**
 * `npm test`: every tier of the suite — in-process (seconds, no hub), main (one shared hub),
 * serial (throwaway PostgreSQL servers) — each run even if one before it failed, then one
 * summary: a line per tier, every skipped test by name (a skip is never silent), and a
 * last line `N passed, N failed, N skipped` over all tiers. A tier that reports no tests,
 * or whose suites could not run, counts as failed. With HUB_TEST_TOTALS_FILE set, the
 * totals are also appended there as `passed failed skipped` (.ci/run adds up its runs).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface JestResult {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  numRuntimeErrorTestSuites: number;
  success: boolean;
  testResults: Array<{
    name: string;
    testExecError?: { message: string } | null;
    assertionResults: Array<{ fullName: string; status: string }>;
  }>;
}

interface TierOutcome {
  name: string;
  passed: number;
  failed: number;
  skipped: string[];
  seconds: number;
  problems: string[];
}

const ROOT = path.resolve(__dirname, "..");
const JEST = path.join(ROOT, "node_modules", "jest", "bin", "jest.js");
const ALL_TIERS = [
  {
    id: "in-process",
    name: process.env.TEST_DATABASE_URL
      ? "in-process, on TEST_DATABASE_URL's server"
      : "in-process, one subgraph at a time on embedded PGlite",
    args: ["--config", "jest.in-process.config.js"],
  },
  {
    id: "main",
    name: process.env.TEST_DATABASE_URL ? "main, on TEST_DATABASE_URL's server" : "main, on embedded PGlite",
    args: [] as string[],
  },
  {
    id: "serial",
    name: "serial, on throwaway PostgreSQL servers of its own",
    args: ["--config", "jest.serial.config.js"],
  },
];
// HUB_TEST_TIERS=in-process,main picks tiers (.ci/run runs the in-process tier again on Node 24); default: all.
const wanted = process.env.HUB_TEST_TIERS?.split(",").map((id) => id.trim());
const TIERS = wanted ? ALL_TIERS.filter((tier) => wanted.includes(tier.id)) : ALL_TIERS;

function runTier(tier: (typeof TIERS)[number], outputFile: string): TierOutcome {
  console.log(`\n== tier: ${tier.name}, Node ${process.version} ==`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [JEST, ...tier.args, "--json", `--outputFile=${outputFile}`], {
    cwd: ROOT,
    stdio: "inherit",
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  const outcome: TierOutcome = { name: tier.name, passed: 0, failed: 0, skipped: [], seconds, problems: [] };
  let result: JestResult;
  try {
    result = JSON.parse(fs.readFileSync(outputFile, "utf8")) as JestResult;
  } catch {
    outcome.failed = 1;
    outcome.problems.push(
      `jest reported nothing (exit ${run.status ?? run.signal}): its global setup or configuration failed`,
    );
    return outcome;
  }
  outcome.passed = result.numPassedTests;
  // A suite that could not run (it threw while loading) has no failed test to count: count the suite.
  outcome.failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
  for (const file of result.testResults) {
    if (file.testExecError)
      outcome.problems.push(
        `${path.relative(ROOT, file.name)} could not run: ${file.testExecError.message.split("\n")[0]}`,
      );
    for (const test of file.assertionResults)
      if (test.status === "pending" || test.status === "skipped" || test.status === "todo")
        outcome.skipped.push(test.fullName);
  }
  if (result.numTotalTests === 0) {
    outcome.failed += 1;
    outcome.problems.push("no test ran");
  }
  if (run.status !== 0 && outcome.failed === 0) {
    outcome.failed = 1;
    outcome.problems.push(
      `jest exited with ${run.status ?? run.signal} although every test passed (e.g. an open handle or a failing teardown)`,
    );
  }
  return outcome;
}

function main(): number {
  if (process.argv.length > 2) {
    console.error(
      "npm test runs every tier and takes no arguments; for one file: npx jest test/<file>.test.ts (see docs/testing.md)",
    );
    return 2;
  }
  if (TIERS.length === 0) {
    console.error(`HUB_TEST_TIERS names no tier (${ALL_TIERS.map((tier) => tier.id).join(", ")})`);
    return 2;
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-tiers-"));
  const outcomes = TIERS.map((tier, index) => runTier(tier, path.join(scratch, `tier-${index}.json`)));
  fs.rmSync(scratch, { recursive: true, force: true });

  console.log("\n== summary of every tier ==");
  for (const tier of outcomes) {
    console.log(
      `tier ${tier.name}: ${tier.passed} passed, ${tier.failed} failed, ${tier.skipped.length} skipped in ${tier.seconds} s`,
    );
    for (const problem of tier.problems) console.log(`  problem: ${problem}`);
    for (const name of tier.skipped) console.log(`  skipped: ${name}`);
  }
  const passed = outcomes.reduce((sum, tier) => sum + tier.passed, 0);
  const failed = outcomes.reduce((sum, tier) => sum + tier.failed, 0);
  const skipped = outcomes.reduce((sum, tier) => sum + tier.skipped.length, 0);
  if (process.env.HUB_TEST_TOTALS_FILE)
    fs.appendFileSync(process.env.HUB_TEST_TOTALS_FILE, `${passed} ${failed} ${skipped}\n`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
