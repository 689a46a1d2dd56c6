/**
 * `npm run seed`: (re)loads the demo release into each subgraph's database — embedded
 * under .data/, or the servers named by <SUBGRAPH>_DATABASE_URL. Refuses while the hub
 * runs: an embedded database belongs to one process at a time.
 */
import "reflect-metadata";
import { loadSubgraphConfig } from "../platform/config";
import { openDatabase } from "../platform/database";
import { loadAndInstallDataKeyRing } from "../platform/encryption";
import { createLogger } from "../platform/logger";
import { SUBGRAPHS } from "../subgraphs/index";
import { subgraphModules } from "../subgraphs/modules";

async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  for (const module of subgraphModules()) {
    const config = loadSubgraphConfig(SUBGRAPHS, module.name);
    if (!config.databaseUrl && (await isListening(`http://127.0.0.1:${config.port}/health`))) {
      throw new Error(
        `the ${module.name} subgraph is running on port ${config.port}; stop the hub (Ctrl-C) before reseeding`,
      );
    }
    // The demo values of encrypted columns are written encrypted, with the hub's own key ring.
    if (config.dataKeys) loadAndInstallDataKeyRing(config.dataKeys);
    const log = createLogger(`seed-${module.name}`, "warn");
    const database = await openDatabase({
      name: module.name,
      url: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: 2,
      entities: module.entities,
      migrations: module.migrations,
      logger: log,
    });
    try {
      await module.demoData.load(database.dataSource);
      console.log(`${module.name}: demo data loaded`);
    } finally {
      await database.close();
    }
  }
}

main().catch((error: Error) => {
  console.error(`seed failed: ${error.message}`);
  process.exit(1);
});
