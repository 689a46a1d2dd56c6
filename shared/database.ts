/**
 * One TypeORM DataSource per subgraph. With `<SUBGRAPH>_DATABASE_URL` it talks to that
 * PostgreSQL server; without, it starts an embedded PostgreSQL (PGlite) whose data lives
 * in `.data/<subgraph>/`, served over the wire protocol by pglite-socket so that the
 * same `pg` driver and TypeORM code path serve both. Schema changes are migrations,
 * run at start; `synchronize` is never used.
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { DataSource, type Logger as TypeOrmLogger, type MixedList, type EntitySchema } from "typeorm";
import type { Logger } from "./logger";
import { countSqlStatement } from "./request-scope";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite on `dataDir` and serves it on a loopback port. PGlite is one session;
 * the socket server queues statements and keeps a transaction on its own connection,
 * and it must accept more connections than any pool that connects (default is 1).
 */
export async function startEmbeddedPostgres(dataDir: string, options: { port?: number; maxConnections?: number } = {}): Promise<EmbeddedPostgres> {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  await server.start();
  const [host, port] = server.getServerConn().split(":");
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** TypeORM logger: counts statements per request; logs failures without parameters. */
class StatementCountingLogger implements TypeOrmLogger {
  constructor(private readonly logger: Logger) {}
  logQuery(): void {
    countSqlStatement();
  }
  logQueryError(error: string | Error): void {
    // Parameters may hold personal data: log the error text only, at debug level.
    this.logger.debug({ err: typeof error === "string" ? error : error.message }, "SQL statement failed");
  }
  logQuerySlow(time: number): void {
    this.logger.warn({ ms: time }, "slow SQL statement");
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.info({ migration: message }, "migration");
  }
  log(level: "log" | "info" | "warn", message: unknown): void {
    if (level === "warn") this.logger.warn({ message: String(message) }, "typeorm");
  }
}

export interface DatabaseOptions {
  name: string;
  /** PostgreSQL URL; undefined starts the embedded database in `dataDir/<name>`. */
  url?: string;
  dataDir: string;
  poolSize: number;
  // TypeORM's own option type: entity classes of any shape.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  logger: Logger;
}

export interface Database {
  dataSource: DataSource;
  embedded?: EmbeddedPostgres;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.url;
  if (!url) {
    embedded = await startEmbeddedPostgres(path.join(options.dataDir, options.name), { maxConnections: options.poolSize + 8 });
    url = embedded.url;
    options.logger.info({ dataDir: path.join(options.dataDir, options.name) }, "embedded PostgreSQL (PGlite) started");
  }
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
    poolSize: options.poolSize,
    extra: { connectionTimeoutMillis: 5000, application_name: `survivor-hub-${options.name}` },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "each" });
  return {
    dataSource,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (embedded) await embedded.stop();
    },
  };
}
