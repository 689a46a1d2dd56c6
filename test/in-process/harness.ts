/**
 * The in-process tier's harness: ONE subgraph's real schema, Apollo Server and context
 * (platform/subgraph-server.ts: createSubgraphGraphQL, the same function the HTTP path
 * uses) on a real database of its own, operations run through `executeOperation` as a
 * persona. No token check, no HTTP, no request signature for the subgraph under test:
 * those are tested end to end. A subgraph whose rules ask another (shelters, embassies and
 * repatriation ask victims who the caller may see) gets that peer started for real
 * (startSubgraph on a free port, on its own database) — never a stand-in for its answer.
 *
 * Databases: each an embedded PGlite in a temporary directory, run by a child process
 * (embedded-database-process.ts: PGlite cannot run inside Jest's VM), or, when
 * TEST_DATABASE_URL names a PostgreSQL server, a throwaway database created there and
 * dropped afterwards. Migrations run as at start-up; the demo release is loaded on request.
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { GraphQLSchema } from "graphql";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import { ensureDevKeyPair } from "../../platform/auth/keys";
import { callerFromClaims, defaultOrg, signDevToken, type DevTokenRequest } from "../../platform/auth/tokens";
import {
  databaseUrlVariable,
  loadSubgraphConfig,
  subgraphPortVariable,
  subgraphUrlVariable,
} from "../../platform/config";
import { openDatabase, type Database } from "../../platform/database";
import { loadAndInstallDataKeyRing } from "../../platform/encryption";
import { createLogger } from "../../platform/logger";
import { requestScope, type RequestScope } from "../../platform/request-scope";
import {
  buildSubgraphSchema,
  createPeerCredentials,
  createSubgraphGraphQL,
  startSubgraph,
  type RunningSubgraph,
} from "../../platform/subgraph-server";
import { SUBGRAPHS, type SubgraphName } from "../../subgraphs/index";
import { subgraphModule } from "../../subgraphs/modules";
import { installThrowawayDataKeyRing } from "../support/data-keys";
import { postGraphQL, type GraphQLResponse } from "../support/hub";
import type { EmbeddedDatabaseReply } from "./embedded-database-process";

export { PERSONAS } from "../support/hub";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The peers started beside each subgraph: the victims subgraph, which its rules ask who
 * the caller may see (contracts/victim-access/); a subgraph not listed needs none. Steps that ask another peer still (a
 * repatriation case becoming READY asks embassies for a travel document) stay end to end.
 */
const PEERS_NEEDED: Partial<Record<SubgraphName, SubgraphName[]>> = {
  shelters: ["victims"],
  embassies: ["victims"],
  repatriation: ["victims"],
};

/**
 * How long a file's start (databases, migrations, demo data, peers) may take: about 10 s on
 * an idle two-core machine, over a minute when other suites share its cores.
 */
export const START_TIMEOUT_MS = 180_000;

export interface InProcessResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  /** The request id the context carried: audit entries of this operation name it. */
  requestId: string;
  /** SQL statements and questions to peers this operation caused. */
  counters: { sqlStatements: number; peerQuestions: number };
}

export interface AuditRow {
  kind: string;
  action: string;
  outcome: string;
  actorOrg: string;
  actorRole: string;
  victimIds: string[];
  fields: string[];
}

export interface InProcessSubgraph {
  name: SubgraphName;
  schema: GraphQLSchema;
  /** The subgraph's own database (for reading what an operation left, e.g. audit rows). */
  db: DataSource;
  /** Runs one operation as `persona`, with the context the HTTP path would build for it. */
  execute<T = Record<string, unknown>>(
    persona: DevTokenRequest,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<InProcessResponse<T>>;
  /**
   * Runs one operation at a peer this harness started (e.g. to withdraw a consent in the
   * victims subgraph), over HTTP as the gateway would send it: token, signature and all.
   */
  executeAtPeer<T = Record<string, unknown>>(
    peer: SubgraphName,
    persona: DevTokenRequest,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** The URL of this subgraph's database and of each peer's (raw SQL, as an operator or a thief of the files would read). */
  databaseUrls: Partial<Record<SubgraphName, string>>;
  /** The data directory of this file's hub (its development keys are under keys/). */
  dataDir: string;
  /** The audit entries this subgraph's database holds for one request, as written. */
  auditEntries(requestId: string): Promise<AuditRow[]>;
  stop(): Promise<void>;
}

export interface ThrowawayDatabases {
  urls: string[];
  drop(): Promise<void>;
}

/**
 * Databases of a test's own, one per label: throwaway databases on TEST_DATABASE_URL's
 * server, or embedded PGlite in `scratch`, served by one child process.
 */
export async function throwawayDatabases(labels: string[], scratch: string): Promise<ThrowawayDatabases> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const names = labels.map((label) => `hub_inproc_${label}_${process.pid}_${Date.now()}`);
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    return {
      urls: names.map((name) => {
        const url = new URL(serverUrl);
        url.pathname = `/${name}`;
        return url.toString();
      }),
      async drop() {
        const client = new Client({ connectionString: serverUrl });
        await client.connect();
        try {
          for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const child = fork(
    path.join(__dirname, "embedded-database-process.ts"),
    labels.map((label) => path.join(scratch, "db", label)),
    { cwd: ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const reply = await new Promise<EmbeddedDatabaseReply>((resolve) => {
    child.once("message", (message: EmbeddedDatabaseReply) => resolve(message));
    child.once("exit", (code) => resolve({ ok: false, error: `the database process exited with ${code}` }));
  });
  if (!reply.ok) throw new Error(`embedded databases ${labels.join(", ")}: ${reply.error}`);
  return {
    urls: reply.urls,
    drop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send("stop");
      }),
  };
}

export interface DemoDatabases {
  /** The temporary directory the databases (embedded: `db/<subgraph>`) and keys live in. */
  scratch: string;
  /** Every subgraph's database, migrated and holding the demo release, opened as a subgraph opens it. */
  opened: ReadonlyMap<SubgraphName, Database>;
  urls: ReadonlyMap<SubgraphName, string>;
  close(): Promise<void>;
}

/**
 * Every subgraph's database of a test's own (throwawayDatabases), migrated and loaded with
 * the demo release through platform/database.ts, with the process's throwaway data key ring
 * (the migrations and entities encrypt at rest): for tests of what runs over the databases
 * themselves (retention), without the subgraphs' servers.
 */
export async function openDemoDatabases(label: string): Promise<DemoDatabases> {
  installThrowawayDataKeyRing();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `survivor-hub-${label}-`));
  const names = SUBGRAPHS.map(({ name }) => name);
  const databases = await throwawayDatabases(names, scratch);
  const opened = new Map<SubgraphName, Database>();
  const urls = new Map<SubgraphName, string>();
  await Promise.all(
    names.map(async (name, index) => {
      const module = subgraphModule(name);
      urls.set(name, databases.urls[index]);
      const database = await openDatabase({
        name,
        url: databases.urls[index],
        dataDir: scratch,
        poolSize: process.env.TEST_DATABASE_URL ? 4 : 1,
        entities: module.entities,
        migrations: module.migrations,
        logger: createLogger(`${label}-test`, "warn"),
      });
      opened.set(name, database);
      await module.demoData.load(database.dataSource);
    }),
  );
  return {
    scratch,
    opened,
    urls,
    async close() {
      await Promise.all([...opened.values()].map((database) => database.close()));
      await databases.drop();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `name` in this process on a database of its own (with the demo release when
 * `demoData`), its peers for real, each on a database of its own with the demo release.
 */
export async function startInProcessSubgraph(
  name: SubgraphName,
  options: { demoData: boolean },
): Promise<InProcessSubgraph> {
  const module = subgraphModule(name);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `survivor-hub-inproc-${name}-`));
  const cleanups: Array<() => Promise<void>> = [async () => fs.rmSync(scratch, { recursive: true, force: true })];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const usingServer = Boolean(process.env.TEST_DATABASE_URL);
    const env: Record<string, string> = {
      NODE_ENV: "test",
      HUB_DATA_DIR: scratch,
      LOG_LEVEL: "warn",
      SEED_DEMO_DATA: "if-empty",
      // Embedded databases are PGlite: one connection (see platform/database.ts).
      ...(usingServer ? {} : { DATABASE_POOL_SIZE: "1" }),
    };
    ensureDevKeyPair(path.join(scratch, "keys"));

    const peers = PEERS_NEEDED[name] ?? [];
    const schemaBuilt = buildSubgraphSchema(module);
    const databases = await throwawayDatabases([name, ...peers], scratch);
    cleanups.push(() => databases.drop());
    const [ownUrl, ...peerUrls] = databases.urls;

    // The peers and this subgraph's own database (migrations, demo data) come up side by side.
    const running: RunningSubgraph[] = [];
    const peerUrlsByName = new Map<SubgraphName, string>();
    cleanups.push(() => Promise.all(running.map((peer) => peer.stop())).then(() => undefined));
    const peersStarted = Promise.all(
      peers.map(async (peer, index) => {
        const peerEnv = { ...env, [subgraphPortVariable(peer)]: "0", [databaseUrlVariable(peer)]: peerUrls[index] };
        const started = await startSubgraph(subgraphModule(peer), loadSubgraphConfig(SUBGRAPHS, peer, peerEnv));
        running.push(started);
        peerUrlsByName.set(peer, started.url);
        return [subgraphUrlVariable(peer), started.url] as const;
      }),
    );
    const ownEnv = { ...env, [databaseUrlVariable(name)]: ownUrl };
    // Read again once the peers listen: only their URLs differ.
    const configBeforePeers = loadSubgraphConfig(SUBGRAPHS, name, ownEnv);
    const log = createLogger(`in-process-${name}`, configBeforePeers.logLevel);
    if (configBeforePeers.dataKeys) loadAndInstallDataKeyRing(configBeforePeers.dataKeys);
    const databaseOpened = openDatabase({
      name,
      url: configBeforePeers.databaseUrl,
      dataDir: configBeforePeers.dataDir,
      poolSize: configBeforePeers.databasePoolSize,
      entities: module.entities,
      migrations: module.migrations,
      logger: log,
    }).then(async (database) => {
      cleanups.push(() => database.close());
      if (options.demoData) await module.demoData.load(database.dataSource);
      return database;
    });
    // Both settle before either failure is thrown: their clean-ups are registered by then.
    const [peersOutcome, databaseOutcome] = await Promise.allSettled([peersStarted, databaseOpened]);
    if (peersOutcome.status === "rejected") throw peersOutcome.reason;
    if (databaseOutcome.status === "rejected") throw databaseOutcome.reason;
    const [peerUrlVariables, database] = [peersOutcome.value, databaseOutcome.value];
    const config = loadSubgraphConfig(SUBGRAPHS, name, { ...ownEnv, ...Object.fromEntries(peerUrlVariables) });
    const db = database.dataSource;

    const built = await schemaBuilt;
    const { apollo, contextFor } = createSubgraphGraphQL(module, built, {
      ...createPeerCredentials(name, config),
      config,
      db,
      log,
    });
    await apollo.start();
    cleanups.push(() => apollo.stop());
    const auth = config.auth;

    return {
      name,
      schema: built.schema,
      db,
      databaseUrls: Object.fromEntries([name, ...peers].map((label, index) => [label, databases.urls[index]])),
      dataDir: scratch,
      async execute<T>(persona: DevTokenRequest, query: string, variables?: Record<string, unknown>) {
        const org = persona.org ?? defaultOrg(persona);
        // The caller the HTTP path would make of this persona's verified claims.
        const caller = callerFromClaims({
          sub: persona.sub ?? `${org}-user`,
          org,
          role: persona.role,
          country: persona.country,
          shelter: persona.shelter,
        });
        const requestId = randomUUID();
        const scope: RequestScope = { requestId, sqlStatements: 0, peerQuestions: 0 };
        // The token is for the peers only: they check it, as they check every request that reaches them.
        const authorization = `Bearer ${signDevToken(auth, persona)}`;
        const response = await requestScope.run(scope, () =>
          apollo.executeOperation<T & Record<string, unknown>>(
            { query, variables },
            {
              contextValue: contextFor({
                caller,
                requestId,
                authorization,
                signer: undefined,
                header: () => undefined,
                extensions: undefined,
              }),
            },
          ),
        );
        if (response.body.kind !== "single") throw new Error("incremental delivery is not used by the hub");
        const { data, errors } = response.body.singleResult;
        return {
          data: data as T | null | undefined,
          errors: errors as InProcessResponse["errors"],
          requestId,
          counters: { sqlStatements: scope.sqlStatements, peerQuestions: scope.peerQuestions },
        };
      },
      executeAtPeer<T>(
        peer: SubgraphName,
        persona: DevTokenRequest,
        query: string,
        variables?: Record<string, unknown>,
      ) {
        const url = peerUrlsByName.get(peer);
        if (!url) throw new Error(`${peer} is not a peer of ${name} here`);
        return postGraphQL<T>(url, { query, variables }, `Bearer ${signDevToken(auth, persona)}`, {
          keyDir: auth.devKeyDir,
        });
      },
      async auditEntries(requestId: string) {
        return db.query<AuditRow[]>(
          `SELECT kind, action, outcome, actor_org AS "actorOrg", actor_role AS "actorRole",
                  victim_ids::text[] AS "victimIds", fields
             FROM audit_entry WHERE request_id = $1 ORDER BY seq`,
          [requestId],
        );
      },
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The codes of a response's errors, in order. */
export function errorCodes(response: { errors?: InProcessResponse["errors"] }): string[] {
  return (response.errors ?? []).map((error) => String(error.extensions?.code));
}
