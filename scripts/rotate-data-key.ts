/**
 * `npm run rotate-data-key`: rotates the data key ring of the values encrypted at rest
 * (docs/encryption.md; platform/encryption/rotation.ts does the work). Changes the key file
 * (HUB_DATA_KEY_FILE, or the development one under HUB_DATA_DIR/keys), then re-encrypts
 * every value made with an older key, in batches of one transaction each, on the database
 * of every subgraph that holds encrypted values: its embedded PGlite directory (refused while
 * the hub has it open: platform/data-directory-lock.ts) or its <SUBGRAPH>_DATABASE_URL.
 *
 *   npm run rotate-data-key                       new current data key, re-encrypt everything
 *   npm run rotate-data-key -- --matching         also a new matching key: every keyed hash recomputed
 *   npm run rotate-data-key -- --stage            add a data key without making it current (a running hub
 *                                                 learns it at its restart); later: --promote <id>
 *   npm run rotate-data-key -- --promote <id>     make a staged key current, re-encrypt
 *   npm run rotate-data-key -- --reencrypt        no new key: finish what an interrupted run left
 *   npm run rotate-data-key -- --retire <id>      remove an old key, once no stored value uses it
 *   --batch <n>                                   rows per transaction (500)
 */
import "reflect-metadata";
import { loadSubgraphConfig } from "../platform/config";
import { openDatabase, type Database } from "../platform/database";
import { rotateDataKeys, type RotationOptions, type RotationTarget } from "../platform/encryption";
import { createLogger } from "../platform/logger";
import { SUBGRAPHS } from "../subgraphs/index";
import { subgraphModule } from "../subgraphs/modules";

function parseOptions(argv: string[]): RotationOptions {
  const options: RotationOptions = { mode: "rotate", matching: false, batchSize: 500 };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === "--matching") options.matching = true;
    else if (argument === "--stage") options.mode = "stage";
    else if (argument === "--reencrypt") options.mode = "reencrypt";
    else if (argument === "--promote" || argument === "--retire") {
      options.mode = argument === "--promote" ? "promote" : "retire";
      options.keyId = argv[++index];
      if (!options.keyId) throw new Error(`${argument} needs a key id`);
    } else if (argument === "--batch") {
      options.batchSize = Number(argv[++index]);
      if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
        throw new Error("--batch needs a positive number");
    } else throw new Error(`unknown option ${argument}`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const encrypting = SUBGRAPHS.filter((entry) => "encryptsData" in entry && entry.encryptsData).map((entry) => ({
    module: subgraphModule(entry.name),
    config: loadSubgraphConfig(SUBGRAPHS, entry.name),
  }));
  const settings = encrypting[0]?.config.dataKeys;
  if (!settings) throw new Error("no subgraph holds encrypted values");
  const opened: Database[] = [];
  try {
    const targets: RotationTarget[] = [];
    // A staged key changes only the file: no database is opened (the hub may be running).
    if (options.mode !== "stage")
      for (const { module, config } of encrypting) {
        // Its migrations first: a database an older version wrote is encrypted by them, then rotated.
        const database = await openDatabase({
          name: module.name,
          url: config.databaseUrl,
          dataDir: config.dataDir,
          poolSize: 2,
          entities: module.entities,
          migrations: module.migrations,
          logger: createLogger(`rotate-data-key-${module.name}`, "warn"),
        });
        opened.push(database);
        const db = database.dataSource;
        targets.push({
          name: module.name,
          tables: db.entityMetadatas.map((metadata) => metadata.tableName),
          query: (sql, parameters) => db.query(sql, parameters),
          transaction: (work) => db.transaction((manager) => work((sql, parameters) => manager.query(sql, parameters))),
        });
      }
    const report = await rotateDataKeys(options, settings, targets);
    for (const line of report.lines) console.log(line);
  } finally {
    for (const database of opened) await database.close();
  }
}

main().catch((error: Error) => {
  console.error(`rotate-data-key failed: ${error.message}`);
  process.exit(1);
});
