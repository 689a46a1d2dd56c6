/**
 * One TypeORM DataSource per subgraph. With `<SUBGRAPH>_DATABASE_URL` it talks to that
 * PostgreSQL server; without, it starts an embedded PostgreSQL (PGlite) whose data lives
 * in `.data/<subgraph>/`, served over the wire protocol by pglite-socket so that the
 * same `pg` driver and TypeORM code path serve both. Schema changes are migrations,
 * run at start; `synchronize` is never used.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { Client } from "pg";
import lockfile from "proper-lockfile";
import {
  DataSource,
  type EntityManager,
  type EntityTarget,
  type Logger as TypeOrmLogger,
  type MixedList,
  type EntitySchema,
  type ObjectLiteral,
} from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import { DEFAULT_EMBEDDED_SHARED_BUFFERS_MB } from "./config";
import { DataDirectoryError, lockDataDirectory } from "./data-directory-lock";
import type { Logger } from "./logger";
import { databaseQueryDuration, secondsSince, trackDatabasePool, type DatabaseKind, type PoolCounts } from "./metrics";
import { countFor } from "./request-scope";
import { endSqlSpan, startSqlSpan, tracingOn } from "./tracing";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Connections a subgraph opens to an embedded database (see openDatabase). */
export const EMBEDDED_POOL_SIZE = 1;
/** `max_connections` of an embedded database: PGlite runs one backend (see startEmbeddedPostgres). */
const EMBEDDED_MAX_CONNECTIONS = 8;
/** How often an embedded database refreshes its planner statistics (it has no autovacuum). */
const EMBEDDED_ANALYZE_INTERVAL_MS = 5 * 60_000;

function holdsCluster(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, "PG_VERSION"));
}

/** `cp -R` is ~6x faster than fs.cpSync on a cluster's thousand small files; fall back where there is no cp. */
function copyDirectory(from: string, to: string): void {
  try {
    execFileSync("cp", ["-R", from, to], { stdio: "ignore" });
  } catch {
    fs.rmSync(to, { recursive: true, force: true });
    fs.cpSync(from, to, { recursive: true });
  }
}

const PGLITE_ENTRY = require.resolve("@electric-sql/pglite");

/**
 * Where this installation keeps an initialised, empty cluster, one per PGlite version:
 * `node_modules/.cache/survivor-hub/pglite-<version>`. `npm ci` makes it (postinstall,
 * scripts/prepare-embedded-postgres.ts), so no start pays for initdb (~5 s of CPU).
 */
export function installedTemplateDir(): string {
  const packageDir = path.resolve(path.dirname(PGLITE_ENTRY), "..");
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
  return path.join(packageDir, "..", "..", ".cache", "survivor-hub", `pglite-${version}`);
}

// initdb in a process of its own: PGlite's WebAssembly memory (~100 MB, touched by
// initdb) would otherwise stay in the long-lived process that happened to run it.
const INITDB = `require(process.argv[1]).PGlite.create(process.argv[2], { relaxedDurability: true }).then((db) => db.close(), (error) => { console.error(error.message); process.exit(1); })`;

/**
 * Makes sure `template` holds an initialised cluster: under a file lock (the four
 * subgraphs start together), the first to need it runs initdb beside it and renames
 * the result into place, so a crash never leaves half a template.
 */
export async function ensureTemplateCluster(template: string): Promise<void> {
  if (holdsCluster(template)) return;
  fs.mkdirSync(path.dirname(template), { recursive: true });
  const release = await lockfile.lock(template, {
    realpath: false,
    stale: 30_000,
    retries: { retries: 600, minTimeout: 100, maxTimeout: 200 },
  });
  try {
    if (holdsCluster(template)) return;
    const building = `${template}.${process.pid}`;
    fs.rmSync(building, { recursive: true, force: true });
    // Nothing lives in the template yet, so skipping the per-statement fsync is safe (close syncs).
    await promisify(execFile)(process.execPath, ["-e", INITDB, PGLITE_ENTRY, building]);
    fs.rmSync(template, { recursive: true, force: true });
    fs.renameSync(building, template);
  } finally {
    await release();
  }
}

/** Gives an empty `dataDir` a freshly initialised cluster: a copy of the installation's template. */
async function prepareCluster(dataDir: string): Promise<void> {
  if (holdsCluster(dataDir)) return;
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    // Never overwrite files we did not make: the operator may have pointed us at the wrong place.
    throw new DataDirectoryError(
      `${dataDir} is neither empty nor a PostgreSQL data directory; refusing to initialise a database there`,
    );
  }
  const template = installedTemplateDir();
  await ensureTemplateCluster(template);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  // Copy beside the target, then rename: a crash mid-copy never leaves a half cluster.
  const copying = `${dataDir}.${process.pid}`;
  fs.rmSync(copying, { recursive: true, force: true });
  copyDirectory(template, copying);
  fs.rmSync(dataDir, { recursive: true, force: true }); // empty, checked above
  fs.renameSync(copying, dataDir);
}

/**
 * Starts PGlite on `dataDir` and serves it on a loopback port. PGlite is one session;
 * the socket server queues statements and keeps a transaction on its own connection,
 * and it must accept more connections than any pool that connects (default is 1).
 *
 * First it takes the directory's lock (data-directory-lock.ts): two PGlite instances on
 * one directory overwrite each other's pages and WAL, and acknowledged commits vanish.
 * A directory another process holds is refused (DataDirectoryInUseError) before any
 * file in it is touched.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { port?: number; maxConnections?: number; sharedBuffersMb?: number } = {},
): Promise<EmbeddedPostgres> {
  const lock = await lockDataDirectory(dataDir);
  try {
    return await startLockedEmbeddedPostgres(dataDir, lock.release, options);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLockedEmbeddedPostgres(
  dataDir: string,
  unlock: () => void,
  options: { port?: number; maxConnections?: number; sharedBuffersMb?: number },
): Promise<EmbeddedPostgres> {
  await prepareCluster(dataDir);
  const sharedBuffers = options.sharedBuffersMb ?? DEFAULT_EMBEDDED_SHARED_BUFFERS_MB;
  // PGlite is one backend whatever the socket's connections; shared memory sized for
  // PostgreSQL's 100 connections (lock tables, process slots) was ~20 MB held for nothing.
  // wal_recycle=off: a WAL segment no longer needed is removed, not renamed for reuse with the rows it held (erasure, platform/erasure.ts).
  const settings = [
    `shared_buffers=${sharedBuffers}MB`,
    `max_connections=${EMBEDDED_MAX_CONNECTIONS}`,
    "wal_recycle=off",
  ];
  const db = await PGlite.create(dataDir, {
    startParams: [...PGlite.defaultStartParams, ...settings.flatMap((setting) => ["-c", setting])],
  });
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  try {
    await server.start();
  } catch (error) {
    // The lock is released by the caller: close first, so nothing writes after that.
    await db.close();
    throw error;
  }
  const [host, port] = server.getServerConn().split(":");
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
      unlock();
    },
  };
}

/**
 * pg's connect timeout and idle close. A server may be unreachable: a connect gives up
 * after 5 s rather than hang a request. The embedded database is in this very process:
 * its answer to a connect waits only for our own event loop, so on a busy machine (a
 * long synchronous PGlite statement, two cores shared by a whole hub) a 5 s timer fired
 * before the answer it was waiting for was read, and a start failed with "Connection
 * terminated due to connection timeout". There the one connection is opened without a
 * timer and held for the process's life (no idle close, no reconnect).
 */
function connectionTimings(embedded: boolean): { connectionTimeoutMillis: number; idleTimeoutMillis?: number } {
  return embedded ? { connectionTimeoutMillis: 0, idleTimeoutMillis: 0 } : { connectionTimeoutMillis: 5000 };
}

/** TypeORM logger: counts statements per request; logs failures without parameters. */
class StatementCountingLogger implements TypeOrmLogger {
  constructor(private readonly logger: Logger) {}
  logQuery(): void {
    countFor("sqlStatements");
  }
  logQueryError(error: string | Error): void {
    // Parameters may hold personal data: log the error text only, at debug level.
    this.logger.debug({ err: typeof error === "string" ? error : error.message }, "SQL statement failed");
  }
  logQuerySlow(time: number): void {
    this.logger.warn({ ms: time }, "slow SQL statement");
  }
  // TypeORM reports each migration run (and "none pending") here.
  // TypeORM's step-by-step chatter (a dozen lines per start): at debug; the ready line says how many ran.
  logSchemaBuild(message: string): void {
    this.logger.debug({ migration: message }, "migration");
  }
  logMigration(message: string): void {
    this.logger.debug({ migration: message }, "migration");
  }
  log(level: "log" | "info" | "warn", message: unknown): void {
    if (level === "warn") this.logger.warn({ message: String(message) }, "typeorm");
  }
}

/**
 * pg's `onConnect` hook: times every statement of a new connection at the driver
 * (hub_db_query_duration_seconds), the one place the embedded database and a server share.
 * Only promise-style calls are timed (TypeORM's); streams and callbacks pass through.
 * `traced` (tracing on when the database opened): each statement of a request is also a
 * span (platform/tracing.ts).
 */
function timeStatements(database: DatabaseKind, traced: boolean): (client: { query: unknown }) => void {
  const ok = { database, outcome: "ok" };
  const failed = { database, outcome: "error" };
  return (client) => {
    // pg's query has a dozen overloads; the wrapper passes every call on unchanged.
    const query = (client.query as (...args: unknown[]) => unknown).bind(client);
    client.query = (...args: unknown[]) => {
      const started = performance.now();
      const span = traced ? startSqlSpan(args[0]) : undefined;
      const result = query(...args);
      const done = (outcome: typeof ok, error: boolean) => {
        databaseQueryDuration.observe(outcome, secondsSince(started));
        if (span) endSqlSpan(span, error);
      };
      if (result instanceof Promise)
        result.then(
          () => done(ok, false),
          () => done(failed, true),
        );
      else if (span) endSqlSpan(span, false);
      return result;
    };
  };
}

export interface DatabaseOptions {
  name: string;
  /** PostgreSQL URL; undefined starts the embedded database in `dataDir/<name>`. */
  url?: string;
  dataDir: string;
  poolSize: number;
  /** `shared_buffers` of the embedded database (MB); unused with a server. */
  embeddedSharedBuffersMb?: number;
  // TypeORM's own option type: entity classes of any shape.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  logger: Logger;
  /** Runs after the migrations, under the same lock (the demo data's "load if empty" must not run twice either). */
  afterMigrations?: (dataSource: DataSource) => Promise<void>;
}

/**
 * The session-level advisory lock every replica takes before it migrates (its key is an
 * arbitrary constant; advisory locks are per database, so each subgraph's database has
 * its own). PostgreSQL frees it when the session ends, so a replica that dies mid-way
 * never leaves it held.
 */
export const MIGRATION_LOCK_KEY = "7406115021430310418";

/**
 * Runs `work` (migrations, then the demo data) as the only replica doing so on this
 * database: replicas starting together against an empty database would otherwise each
 * run every migration (TypeORM takes no lock of its own), the second failing on a table
 * the first just made. The lock lives on a connection of its own, outside the pool, so a
 * pool of one still has its connection for the work. An embedded database needs none:
 * one process owns it (data-directory-lock.ts).
 */
async function asTheOnlyMigrator(
  url: string,
  embedded: boolean,
  logger: Logger,
  work: () => Promise<void>,
): Promise<void> {
  if (embedded) return work();
  const lockSession = new Client({ connectionString: url, application_name: "survivor-hub-migration-lock" });
  await lockSession.connect();
  try {
    const [{ locked }] = (
      await lockSession.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
        MIGRATION_LOCK_KEY,
      ])
    ).rows;
    if (!locked) {
      logger.info("another replica is migrating this database; waiting for it");
      await lockSession.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    }
    await work();
  } finally {
    // Ending the session releases the lock (and does so even if the unlock itself fails).
    await lockSession.end().catch(() => undefined);
  }
}

export interface Database {
  dataSource: DataSource;
  embedded?: EmbeddedPostgres;
  /** How many migrations this start ran (0: the database was current). */
  migrationsRun: number;
  /** Refreshes the planner's statistics of an embedded database (no autovacuum there); nothing on a server. */
  analyse(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.url;
  let poolSize = options.poolSize;
  if (!url) {
    // PGlite is one session, and pglite-socket interleaves extended-protocol messages of
    // different connections outside a transaction (electric-sql/pglite#1046): concurrent
    // queries then bind to each other's statements. One connection is also all the
    // throughput a single session has, so the pool holds exactly one.
    poolSize = EMBEDDED_POOL_SIZE;
    embedded = await startEmbeddedPostgres(path.join(options.dataDir, options.name), {
      maxConnections: 4,
      sharedBuffersMb: options.embeddedSharedBuffersMb,
    });
    url = embedded.url;
    options.logger.debug({ dataDir: path.join(options.dataDir, options.name) }, "embedded PostgreSQL (PGlite) started");
  }
  const kind: DatabaseKind = embedded ? "embedded" : "server";
  const dataSource = new DataSource({
    type: "postgres",
    url,
    entities: options.entities,
    migrations: options.migrations,
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite; no extension to install.
    uuidExtension: "pgcrypto",
    installExtensions: false,
    logger: new StatementCountingLogger(options.logger),
    maxQueryExecutionTime: 1000,
    poolSize,
    extra: {
      ...connectionTimings(embedded !== undefined),
      application_name: `survivor-hub-${options.name}`,
      onConnect: timeStatements(kind, tracingOn()),
    },
  });
  await dataSource.initialize();
  // TypeORM's pg Pool (its driver's `master`), read at each scrape.
  const pool = (dataSource.driver as unknown as { master?: PoolCounts }).master;
  trackDatabasePool(kind, poolSize, () => (dataSource.isInitialized ? pool : undefined));
  let migrationsRun = 0;
  await asTheOnlyMigrator(url, Boolean(embedded), options.logger, async () => {
    migrationsRun = (await dataSource.runMigrations({ transaction: "each" })).length;
    await options.afterMigrations?.(dataSource);
  });
  // PGlite runs no autovacuum, so nothing refreshes the planner's statistics as data
  // grows: with stale ones it hash-joins a whole table to serve a page of 100 (measured:
  // 219 ms instead of a few at 100,000 people). Analyse at start and every few minutes.
  let analyser: NodeJS.Timeout | undefined;
  // Our own tables only: a bare ANALYZE also walks every system catalogue (~2 s per database at start).
  const analyse = async () => {
    if (!embedded) return;
    try {
      const tables = await dataSource.query<Array<{ name: string }>>(
        "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'",
      );
      if (tables.length > 0) await dataSource.query(`ANALYZE ${tables.map((table) => table.name).join(", ")}`);
    } catch (error) {
      options.logger.warn({ err: (error as Error).message }, "ANALYZE failed");
    }
  };
  if (embedded) {
    await analyse();
    analyser = setInterval(() => void analyse(), EMBEDDED_ANALYZE_INTERVAL_MS);
    analyser.unref();
  }
  return {
    dataSource,
    embedded,
    migrationsRun,
    analyse,
    async close() {
      if (analyser) clearInterval(analyser);
      if (dataSource.isInitialized) await dataSource.destroy();
      if (embedded) await embedded.stop();
    },
  };
}

/** True when a write failed on a unique constraint or index (optionally: that one). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } } | null)?.driverError;
  return driverError?.code === "23505" && (constraint === undefined || driverError.constraint === constraint);
}

/**
 * Inserts one row and returns its generated id. A clash on the unique constraint or
 * index `constraint` (any, when omitted) becomes `refusal()` — the database, not a
 * read-then-write race, decides whether the row may exist.
 */
export async function insertUnlessClash<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  values: QueryDeepPartialEntity<T>,
  constraint: string | undefined,
  refusal: () => Error,
): Promise<string> {
  try {
    const { identifiers } = await manager.insert(entity, values);
    return identifiers[0].id as string;
  } catch (error) {
    if (isUniqueViolation(error, constraint)) throw refusal();
    throw error;
  }
}
