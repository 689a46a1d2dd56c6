/**
 * `npm run retention -- [--dry-run] [--json] [--subgraph <name>]`: the retention job
 * (platform/retention.ts) once, over each subgraph's database — the embedded one under
 * HUB_DATA_DIR (of a stopped hub: its data-directory lock refuses a running one) or the
 * server named by <SUBGRAPH>_DATABASE_URL. With --dry-run it lists per kind what would go,
 * by record id, person id, case number and date, and changes nothing; without, it erases
 * and audits exactly that. Never a name or another personal value: only what an audit
 * entry may carry. The periods are the hub's settings (HUB_RETENTION_<KIND>_DAYS).
 *
 * The other subgraphs' kinds learn legal holds, and the closed repatriation cases are handed
 * over, from the victims subgraph: here its database is opened too and its order answers run
 * in this process (inProcessOrders: the same parse and answers as over HTTP), since the
 * stopped hub's subgraphs cannot be asked. Without a victims database those kinds erase
 * nothing (fail closed) and say so. Erasures started here are delivered to the other
 * subgraphs by the victims outbox, and scrubbed from the files, when the hub next runs.
 */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { loadSubgraphConfig } from "../platform/config";
import { openDatabase } from "../platform/database";
import { loadAndInstallDataKeyRing } from "../platform/encryption";
import pino from "pino";
import { chooseLogFormat, createLogger } from "../platform/logger";
import { inProcessOrders } from "../platform/internal-api";
import { createErasureScrubber } from "../platform/erasure";
import {
  checkRetentionKinds,
  retentionErasedAny,
  runRetention,
  type OrderSender,
  type RetentionReport,
} from "../platform/retention";
import { SUBGRAPH_NAMES, SUBGRAPHS, type SubgraphName } from "../subgraphs/index";
import { subgraphModule } from "../subgraphs/modules";

interface Options {
  dryRun: boolean;
  json: boolean;
  subgraphs: readonly SubgraphName[];
}

const USAGE = "usage: npm run retention -- [--dry-run] [--json] [--subgraph <name>]";

function parseArguments(args: readonly string[]): Options {
  const options: Options = { dryRun: false, json: false, subgraphs: SUBGRAPH_NAMES };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === "--dry-run") options.dryRun = true;
    else if (arg === "--json") options.json = true;
    else if (arg === "--subgraph") {
      const name = args[(index += 1)];
      const known = SUBGRAPH_NAMES.find((subgraph) => subgraph === name);
      if (!known) throw new Error(`--subgraph must be one of ${SUBGRAPH_NAMES.join(", ")}\n${USAGE}`);
      options.subgraphs = [known];
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return options;
}

/** The report as lines for a person: per kind a count, then one line per record. */
function describe(report: RetentionReport): string[] {
  if (report.skipped)
    return [`${report.subgraph}: skipped, another retention run holds this database's lock (a running replica's)`];
  const verb = report.dryRun ? "would erase" : "erased";
  return report.kinds.flatMap((kind) => {
    if (kind.days === null) return [`${report.subgraph} ${kind.kind}: off (${kind.description})`];
    if (kind.blocked)
      return [
        `${report.subgraph} ${kind.kind}: erased nothing: ${kind.blocked === "holds_unavailable" ? "the legal holds could not be learned from the victims subgraph" : "the victims subgraph did not take the closed cases"}; tried again at the next run`,
      ];
    const held = kind.held > 0 ? `; ${kind.held} kept: legal hold` : "";
    const head = `${report.subgraph} ${kind.kind}: ${verb} ${kind.records.length} (${kind.description}; ${kind.days} days, before ${kind.cutoff}${held})`;
    return [
      head,
      ...kind.records.map(
        (record) =>
          `  ${record.id}  person ${record.subjectId}${record.caseNumber ? `  case ${record.caseNumber}` : ""}  since ${record.since}`,
      ),
    ];
  });
}

/** A subgraph's database as a start opens it, with the log going to stderr; undefined when there is none yet. */
async function openFor(name: SubgraphName, options: Options) {
  const module = subgraphModule(name);
  const kinds = module.retention?.kinds ?? [];
  const config = loadSubgraphConfig(SUBGRAPHS, name, process.env, kinds);
  // A dry run on a machine that never started the hub makes no database to find nothing in.
  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, name, "PG_VERSION"))) {
    if (!options.json) console.log(`${name}: no database under ${config.dataDir} yet; nothing to do`);
    return undefined;
  }
  // To stderr: stdout holds the report (JSON with --json), and nothing else. The run's own
  // info line would repeat the report; warnings and failures still show.
  const log = createLogger(
    `retention-${name}`,
    config.logLevel === "info" ? "warn" : config.logLevel,
    chooseLogFormat(config.logFormat),
    pino.destination({ dest: 2, sync: true }),
  );
  // Encrypted columns are read and migrated with the hub's own key ring, as a start installs it.
  if (config.dataKeys) loadAndInstallDataKeyRing(config.dataKeys);
  // Brings the schema up to date as a start would (the kinds read its columns); the embedded
  // database's directory lock refuses a hub that has it open, naming its process.
  const database = await openDatabase({
    name,
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 1,
    embeddedSharedBuffersMb: config.embeddedSharedBuffersMb,
    entities: module.entities,
    migrations: module.migrations,
    logger: log,
  });
  return { module, kinds, config, log, database };
}

async function runFor(
  name: SubgraphName,
  options: Options,
  victimsOrders: (asker: SubgraphName) => Promise<OrderSender | undefined>,
): Promise<RetentionReport | undefined> {
  const kinds = subgraphModule(name).retention?.kinds ?? [];
  checkRetentionKinds(kinds);
  if (kinds.length === 0) return undefined;
  const opened = await openFor(name, options);
  if (!opened) return undefined;
  const { module, config, log, database } = opened;
  try {
    const report = await runRetention(database.dataSource, kinds, {
      subgraph: name,
      settings: config.retention,
      dryRun: options.dryRun,
      log,
      holds: module.retention!.holds,
      orders: name === "victims" ? undefined : await victimsOrders(name),
    });
    // What the run erased leaves the database files too, as a scheduled run's does (platform/erasure.ts).
    if (retentionErasedAny(report))
      await createErasureScrubber(database.dataSource, module.erasure.tables, log, 0).scrubNow();
    return report;
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const reports: RetentionReport[] = [];
  // Opened once, at the first subgraph that asks it, and closed at the end.
  let victims: Awaited<ReturnType<typeof openFor>> | null = null;
  const victimsOrders = async (asker: SubgraphName): Promise<OrderSender | undefined> => {
    if (victims === null) victims = await openFor("victims", { ...options, json: true });
    if (!victims) return undefined;
    return inProcessOrders(victims.module.routes ?? [], victims.database.dataSource, "victims", asker);
  };
  try {
    for (const name of options.subgraphs) {
      const report = await runFor(name, options, victimsOrders);
      if (!report) continue;
      reports.push(report);
      if (!options.json) for (const line of describe(report)) console.log(line);
    }
  } finally {
    // The closure's assignment is invisible to the narrowing here.
    const opened = victims as Awaited<ReturnType<typeof openFor>> | null;
    await opened?.database.close();
  }
  if (options.json) console.log(JSON.stringify(reports, null, 2));
}

main().catch((error: Error) => {
  console.error(`retention failed: ${error.message}`);
  process.exit(1);
});
