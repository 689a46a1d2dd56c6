/**
 * Replicas starting at once against an empty database migrate it once (platform/database.ts:
 * the advisory lock around migrations and the demo-data load). Three opens of the victims
 * subgraph's database race, as three replicas' starts do; each must succeed, every
 * migration be recorded once, and the work after the migrations (where the demo data is
 * loaded) never run in two at a time. Needs a PostgreSQL server (TEST_DATABASE_URL): an
 * embedded database has one process by design (data-directory-lock.ts). The whole start of
 * ten processes: test/serial/replicas.test.ts.
 */
import { randomBytes } from "node:crypto";
import { installThrowawayDataKeyRing } from "../support/data-keys";
import { Client } from "pg";
import { openDatabase, type Database } from "../../platform/database";
import { createLogger } from "../../platform/logger";
import { subgraphModule } from "../../subgraphs/modules";
import { databaseUrlOn } from "../support/state";

const serverUrl = process.env.TEST_DATABASE_URL;
const REPLICAS = 3;
const TITLE = "migrations run once when replicas start together";
const skipped = serverUrl
  ? null
  : "needs a PostgreSQL server (TEST_DATABASE_URL); an embedded database belongs to one process";

(skipped ? describe.skip : describe)(skipped ? `${TITLE} (skipped: ${skipped})` : TITLE, () => {
  const database = `hub_migrate_${process.pid}_${randomBytes(4).toString("hex")}`;
  const opened: Database[] = [];

  beforeAll(async () => {
    // The victims migrations encrypt at rest with the process's key ring, as a subgraph's start installs it.
    installThrowawayDataKeyRing();
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
  });

  afterAll(async () => {
    await Promise.all(opened.map((open) => open.close()));
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it("migrates an empty database once, whichever replica gets there first", async () => {
    const module = subgraphModule("victims");
    const url = databaseUrlOn(serverUrl!, database);
    let inside = 0;
    let mostInside = 0;
    let afterMigrationsRuns = 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: REPLICAS }, (_, replica) =>
        openDatabase({
          name: "victims",
          url,
          dataDir: "/nonexistent",
          poolSize: 2,
          entities: module.entities,
          migrations: module.migrations,
          logger: createLogger(`replica-${replica}`, "silent"),
          async afterMigrations() {
            inside += 1;
            mostInside = Math.max(mostInside, inside);
            afterMigrationsRuns += 1;
            // Long enough for an unlocked replica to arrive while this one is here.
            await new Promise((resolve) => setTimeout(resolve, 300));
            inside -= 1;
          },
        }).then((open) => {
          opened.push(open);
          return open;
        }),
      ),
    );
    expect(outcomes.map((outcome) => (outcome.status === "rejected" ? String(outcome.reason) : "opened"))).toEqual(
      Array(REPLICAS).fill("opened"),
    );
    expect(afterMigrationsRuns).toBe(REPLICAS);
    expect(mostInside).toBe(1);
    const recorded = await opened[0].dataSource.query<Array<{ name: string; times: string }>>(
      "SELECT name, count(*)::text AS times FROM migrations GROUP BY name ORDER BY name",
    );
    expect(recorded).toHaveLength(module.migrations.length as number);
    expect(recorded.every((row) => row.times === "1")).toBe(true);
    // Nothing holds the lock once they are open: a fourth replica starts without waiting.
    const [{ free }] = await opened[0].dataSource.query<Array<{ free: boolean }>>(
      "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS free",
    );
    expect(free).toBe(true);
  });
});
