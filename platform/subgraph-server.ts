/**
 * One bootstrap for all four subgraphs. A subgraph folder exports a `SubgraphModule`
 * (its entities, migrations, resolvers, policy, demo data) and an entry file that calls
 * `runSubgraph`; everything else — config, database, auth, errors, health, logging —
 * is here, identical for all.
 */
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { expressMiddleware } from "@as-integrations/express5";
import { randomUUID, type KeyObject } from "node:crypto";
import path from "node:path";
import type { Server } from "node:http";
import type { DataSource } from "typeorm";
import type { NonEmptyArray } from "type-graphql";
import { AuditAppender, RequestAudit } from "./audit/audit-log";
import { auditPlugin } from "./audit/plugin";
import { createServiceCredentials, loadServiceSecret, type ServiceCredentials } from "./auth/service-credentials";
import { loadRequestSigningKey, loadRequestSigningPublicKeys, loadVerificationKey } from "./auth/keys";
import { createRequestSignatureVerifier, createRequestSigner, type RequestSigner } from "./auth/request-signature";
import { createTokenVerifier } from "./auth/tokens";
import { loadSubgraphConfig, type SubgraphConfig, type SubgraphName, type Topology } from "./config";
import type { ContextRequest, GenericContext, RequestContextHook, SubgraphContext, SubgraphProcess } from "./context";
import { openDatabase, type Database } from "./database";
import { clientErrorFormatter, noteRequestId, requestIdPlugin } from "./errors";
import { buildFederatedSchema, type FederatedSchema } from "./federation";
import {
  addHealthRoutes,
  createHttpApp,
  authenticate,
  boundPort,
  closeServer,
  listen,
  requestLog,
  requireGraphQLRequestShape,
  requireHubSignature,
  sendRequestError,
  withRequestId,
  type ShutdownState,
} from "./http";
import { mountRoute, order, type RouteAnswer, type ServiceClient } from "./internal-api";
import { costLimitPlugin, hardenedServerOptions } from "./limits";
import { chooseLogFormat, createLogger, type Logger } from "./logger";
import { createReplayGuard } from "./auth/replay-guard";
import { addMetricsRoute, metricsAccess, operationLabels, requestMetricsPlugin } from "./metrics";
import { argumentPolicyPlugin } from "./policy/argument-rules";
import type { SubgraphPolicy } from "./policy/types";
import { counterTotals, DIAGNOSTIC_COUNTERS_PATH, requestScope } from "./request-scope";
import { runHubProcess } from "./startup";
import {
  checkRetentionKinds,
  retentionErasedAny,
  retentionWindow,
  type RetentionWindow,
  runRetention,
  scheduleRetention,
  type RetentionDeclaration,
} from "./retention";
import type { SubjectExport } from "./subject-export";
import { requestTracingPlugin, startTracing, traceSubgraphRequests, tracingOn } from "./tracing";
import { validateArgument } from "./validation";
import { createErasureScrubber, type ErasureScrubber, type SubgraphErasure } from "./erasure";
import { loadAndInstallDataKeyRing } from "./encryption";

// type-graphql and TypeORM take classes of any constructor shape.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = Function[];

export interface DemoData {
  /** True when the subgraph's database holds none of its records yet. */
  isEmpty(db: DataSource): Promise<boolean>;
  /** Loads the demo release into an empty database, in one transaction. */
  load(db: DataSource): Promise<void>;
}

/**
 * A subgraph: its schema's parts, its database, its policy, its service routes and the
 * domain members of its request context (`Extra`, made by `requestContext`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SubgraphModule<Extra extends object = {}> {
  name: SubgraphName;
  entities: ClassList;
  migrations: ClassList;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: ClassList;
  referenceResolvers?: GraphQLResolverMap<unknown>;
  policy: SubgraphPolicy;
  demoData: DemoData;
  /** Service routes this subgraph answers (contracts/, answered with internal-api.ts `answerRoute`), mounted before /graphql. */
  routes?: readonly RouteAnswer[];
  /**
   * What this subgraph holds about one person, for the survivor's copy (subject-export.ts):
   * every subgraph declares it (subgraphs/modules.ts refuses a module without it), even as
   * `sources: []`, so a new subgraph cannot leave its records out of a person's copy.
   */
  subjectExport?: SubjectExport;
  /** Makes this subgraph's own members of each request's context (see context.ts). */
  requestContext?: RequestContextHook<Extra>;
  /** Apollo Server plugins of this subgraph only, before the shared ones. */
  plugins?: ApolloServerPlugin<SubgraphContext<Extra>>[];
  /** The retention kinds of this subgraph's records, run on a schedule and by `npm run retention` (retention.ts). */
  retention?: RetentionDeclaration;
  /**
   * What this subgraph erases about a person (platform/erasure.ts): required, so no subgraph
   * can hold personal data that an erasure misses. subgraphs/modules.ts answers the erasure
   * order with it (contracts/erasure-order.ts).
   */
  erasure: SubgraphErasure;
  /** Background work of this subgraph's process (e.g. the victims subgraph's erasure outbox): started once it listens, stopped first. */
  workers?: readonly SubgraphWorkerStart[];
}

/** What a background worker is given: the process's database, log, peers and settings. */
export interface SubgraphWorkerParts {
  db: DataSource;
  log: Logger;
  serviceClient: ServiceClient;
  config: SubgraphConfig;
}

export type SubgraphWorkerStart = (parts: SubgraphWorkerParts) => { stop(): Promise<void> };

/** What a subgraph process holds for all its requests' contexts. */
export interface SubgraphProcessParts extends SubgraphProcess {
  db: DataSource;
  serviceClient: ServiceClient;
  erasureScrubber: ErasureScrubber;
  retention: RetentionWindow;
}

/**
 * THE way a request context is made, by the HTTP path below and by an in-process harness
 * alike: the generic members, and the module's own from its `requestContext` hook (made
 * once, here). Returns the per-request function.
 */
export function createRequestContext<Extra extends object>(
  module: Pick<SubgraphModule<Extra>, "requestContext">,
  parts: SubgraphProcessParts,
): (request: ContextRequest) => SubgraphContext<Extra> {
  const extraFor = module.requestContext?.(parts);
  return (request) => {
    const generic: GenericContext = {
      caller: request.caller,
      requestId: request.requestId,
      authorization: request.authorization,
      db: parts.db,
      log: parts.log,
      loaders: new Map(),
      audit: new RequestAudit(request.caller, request.requestId),
      serviceClient: parts.serviceClient,
      erasureScrubber: parts.erasureScrubber,
      retention: parts.retention,
    };
    // Without a hook Extra is `{}`. The generic members come last: no module can replace the caller or the audit.
    return { ...(extraFor?.(request) as Extra), ...generic };
  };
}

/** What a schema is built from: no process, no context. */
export type SchemaParts = Pick<SubgraphModule, "resolvers" | "orphanedTypes" | "policy" | "referenceResolvers">;

export function buildSubgraphSchema(module: SchemaParts): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: module.resolvers,
    orphanedTypes: module.orphanedTypes,
    policy: module.policy,
    referenceResolvers: module.referenceResolvers,
    // Policy, audit and every argument's guard (NUL, lone surrogates, size, id kinds) are installed per field
    // by buildFederatedSchema (policy/field-resolvers.ts), not as global middlewares run on every field.
    validateFn: validateArgument,
  });
}

/** Notes the operation's kind on the context: what may only hold for reads (a grant's facts) can ask it. */
function operationKindPlugin(): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          contextValue.operationKind = operation?.operation;
        },
      };
    },
  };
}

/** Case data is never for a cache: every answer says so, as Apollo's cache-control plugin did with no hints. */
function noStorePlugin(): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set("cache-control", "no-store");
        },
      };
    },
  };
}

/** Development aid: how many SQL statements and questions to other subgraphs this request caused, for tests and the benchmark. */
function statementCountPlugin(): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const scope = requestScope.getStore();
          if (!scope) return;
          response.http.headers.set("x-sql-statements", String(scope.sqlStatements));
          response.http.headers.set("x-peer-questions", String(scope.peerQuestions));
        },
      };
    },
  };
}

export interface RunningSubgraph {
  port: number;
  url: string;
  database: Database;
  stop(): Promise<void>;
}

/**
 * What a subgraph process holds for asking its peers and being asked: the service secret,
 * its credential, its own request-signing key (and the signer made with it), and the public
 * keys of the hub processes it accepts requests from.
 */
export interface PeerCredentials {
  serviceSecret: string;
  services: ServiceCredentials;
  signingKey: KeyObject;
  requestSigner: RequestSigner;
  publicKeys: ReadonlyMap<string, KeyObject>;
}

/** Who signs requests to a subgraph in development: the gateway and every subgraph of the topology. */
function devSigners(config: SubgraphConfig): string[] {
  return ["gateway", ...Object.keys(config.peerUrls)];
}

export function createPeerCredentials(name: SubgraphName, config: SubgraphConfig): PeerCredentials {
  const serviceSecret = loadServiceSecret({
    serviceSecretFile: config.serviceSecretFile,
    devKeyDir: config.auth.devKeyDir,
  });
  const signingKey = loadRequestSigningKey(config.auth, name);
  return {
    serviceSecret,
    services: createServiceCredentials(name, serviceSecret),
    signingKey,
    requestSigner: createRequestSigner(name, signingKey),
    publicKeys: loadRequestSigningPublicKeys(config.auth, config.requestSigningPublicKeysDir, devSigners(config)),
  };
}

export interface SubgraphGraphQL<Extra extends object> {
  apollo: ApolloServer<SubgraphContext<Extra>>;
  contextFor(request: ContextRequest): SubgraphContext<Extra>;
  /** Scrubs erased values from the database files after erasures (platform/erasure.ts). */
  erasureScrubber: ErasureScrubber;
}

/**
 * A subgraph's Apollo Server (limits, argument rules, cost, audit, error formatting) and
 * its requests' contexts: the HTTP path below and the in-process tests (test/in-process/)
 * share both, so an in-process operation runs exactly as one over HTTP once its caller is known.
 */
export function createSubgraphGraphQL<Extra extends object>(
  module: SubgraphModule<Extra>,
  built: FederatedSchema,
  parts: PeerCredentials & { config: SubgraphConfig; db: DataSource; log: Logger },
): SubgraphGraphQL<Extra> {
  const { config, db, log, serviceSecret, services, requestSigner, signingKey, publicKeys } = parts;
  const { schema, argumentRoles } = built;
  const production = config.environment === "production";
  const apollo = new ApolloServer<SubgraphContext<Extra>>({
    schema,
    // The same limits as the gateway: a subgraph called directly is no way around them.
    ...hardenedServerOptions({ limits: config.limits, production, introspection: config.introspection }),
    formatError: clientErrorFormatter(log),
    // No usage reporting to Apollo's cloud: case data never leaves the hub.
    plugins: [
      requestIdPlugin<SubgraphContext<Extra>>(),
      operationKindPlugin(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Nothing reads cache hints (the gateway restricts its policy to max-age 0 without them), and the plugin
      // wraps every field's resolver; what it sent, `no-store`, is kept by noStorePlugin.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      ...(module.plugins ?? []),
      // Arguments obey field rules here too: a request that reached this subgraph any other way than through the gateway's check is no way around them.
      argumentPolicyPlugin<SubgraphContext<Extra>>(
        (role, coordinate) => argumentRoles.get(coordinate)?.includes(role) ?? false,
      ),
      costLimitPlugin(config.limits),
      auditPlugin(new AuditAppender(db), log),
      ...(config.perRequestCounters ? [statementCountPlugin()] : []),
      // Only while tracing is on (platform/tracing.ts): nothing per request otherwise.
      ...(tracingOn() ? [requestTracingPlugin<SubgraphContext<Extra>>()] : []),
      // Last: it counts the errors the others added.
      requestMetricsPlugin<SubgraphContext<Extra>>(),
    ],
  });
  const erasureScrubber = createErasureScrubber(db, module.erasure.tables, log, config.erasureScrubDelayMs);
  const contextFor = createRequestContext(module, {
    name: module.name,
    erasureScrubber,
    retention: retentionWindow(module.retention?.kinds ?? [], config.retention),
    serviceSecret,
    signingKey,
    publicKeyOf: (signer) => publicKeys.get(signer),
    db,
    log,
    serviceClient: { self: module.name, peers: config.peerUrls, services, requestSigner },
  });
  return { apollo, contextFor, erasureScrubber };
}

export async function startSubgraph<Extra extends object>(
  module: SubgraphModule<Extra>,
  config: SubgraphConfig,
): Promise<RunningSubgraph> {
  const log = createLogger(`subgraph-${module.name}`, config.logLevel, chooseLogFormat(config.logFormat));
  // First: the database's statements are traced only if tracing is on when it opens.
  const tracing = startTracing(module.name, ["gateway", ...Object.keys(config.peerUrls)], config);
  const metrics = metricsAccess(config);
  operationLabels.allowOnly(config.metricsOperations);
  const verifier = createTokenVerifier(config.auth, loadVerificationKey(config.auth));
  const credentials = createPeerCredentials(module.name, config);
  const { services } = credentials;
  const signatures = createRequestSignatureVerifier(credentials.publicKeys);
  const built = await buildSubgraphSchema(module);
  if (built.unpoliced.length > 0)
    log.warn({ fields: built.unpoliced }, "fields without a policy entry are visible to nobody");

  // Before the migrations: they encrypt what an older version stored in plain text.
  if (config.dataKeys) loadAndInstallDataKeyRing(config.dataKeys);
  let demoDataLoaded = false;
  const database = await openDatabase({
    name: module.name,
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    embeddedSharedBuffersMb: config.embeddedSharedBuffersMb,
    entities: module.entities,
    migrations: module.migrations,
    logger: log,
    // Under the migration lock: two replicas finding the database empty would each load the demo release.
    afterMigrations: async (dataSource) => {
      if (config.seedDemoData !== "if-empty" || !(await module.demoData.isEmpty(dataSource))) return;
      await module.demoData.load(dataSource);
      demoDataLoaded = true;
      log.debug("demo data loaded");
    },
  });
  // openDatabase's start-up ANALYZE runs after this load, so the planner sees the demo data's tables filled.
  const db = database.dataSource;

  const { apollo, contextFor, erasureScrubber } = createSubgraphGraphQL(module, built, {
    ...credentials,
    config,
    db,
    log,
  });
  await apollo.start();

  const app = createHttpApp();
  app.use(withRequestId("trusted", config.perRequestCounters));
  // Like /health, ahead of the hub-signature gate: a scraper holds the metrics token, not the hub's key.
  addMetricsRoute(app, metrics, log);
  app.use(requestLog(log));
  const shutdown: ShutdownState = { draining: false };
  addHealthRoutes(
    app,
    async () => {
      await db.query("SELECT 1");
      return true;
    },
    shutdown,
  );
  // Everything but /health and /ready answers the hub only: signed by the gateway or a peer.
  // Replicas (REDIS_URL) share which signatures were used: a captured request is good at one of them, once.
  const replays = config.redisUrl ? await createReplayGuard(config.redisUrl, log) : undefined;
  app.use(requireHubSignature(signatures, "1mb", replays));
  // After the gate: only a signed request's traceparent is read (platform/tracing.ts).
  if (tracing) app.use(traceSubgraphRequests((module.routes ?? []).map(({ route }) => route.path)));
  // Diagnostic totals (request-scope.ts): for the hub's own processes only (signed), never in production (config).
  if (config.diagnosticCounters)
    app.post(DIAGNOSTIC_COUNTERS_PATH, (_request, response) => void response.json(counterTotals()));
  const serviceClient = {
    self: module.name,
    peers: config.peerUrls,
    services,
    requestSigner: credentials.requestSigner,
  };
  for (const route of module.routes ?? [])
    mountRoute(app, { self: module.name, db, verifier, services, log, serviceClient, erasureScrubber }, route);
  app.use(
    "/graphql",
    authenticate(verifier),
    requireGraphQLRequestShape(),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        try {
          return contextFor({
            caller: res.locals.caller,
            requestId: res.locals.requestId,
            authorization: req.header("authorization") ?? "",
            signer: res.locals.signer,
            header: (name) => req.header(name),
            extensions: (req.body as { extensions?: unknown } | undefined)?.extensions,
          });
        } catch (error) {
          // Apollo formats this with no operation under way: the error answer still names the request.
          noteRequestId(error, res.locals.requestId as string | undefined);
          throw error;
        }
      },
    }),
  );
  app.use(sendRequestError);

  // Each replica schedules its runs; the retention lock lets one at a time work on the database.
  const retentionKinds = module.retention?.kinds ?? [];
  checkRetentionKinds(retentionKinds);

  const server: Server = await listen(app, config.port, config.host);
  const retentionHolds = module.retention?.holds;
  const retention =
    retentionHolds && retentionKinds.length > 0 && config.retention.intervalMinutes !== null
      ? scheduleRetention(config.retention.intervalMinutes, async () => {
          const report = await runRetention(db, retentionKinds, {
            subgraph: module.name,
            settings: config.retention,
            dryRun: false,
            log,
            holds: retentionHolds,
            // On this subgraph's own authority: a retention run has no caller.
            orders: (route, request, peer) => order(serviceClient, route, request, peer, randomUUID()),
          });
          // What a run erased leaves the files too, as an erasure's values do (erasure.ts).
          if (retentionErasedAny(report)) await erasureScrubber.scrubNow();
        })
      : undefined;
  const port = boundPort(server);
  // The one info line of a start (what the start did is in it; its steps are at debug). Never the database URL: it may hold a password.
  log.info(
    {
      port,
      host: config.host,
      database: database.embedded ? path.join(config.dataDir, module.name) : "server",
      migrationsRun: database.migrationsRun,
      demoDataLoaded,
    },
    "subgraph ready",
  );
  // What a process stopped before its scrub left in the files (platform/erasure.ts).
  void erasureScrubber.scrubNow();
  const workers = (module.workers ?? []).map((start) => start({ db, log, serviceClient, config }));
  return {
    port,
    url: `http://${config.host}:${port}/graphql`,
    database,
    async stop() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await closeServer(server, { shutdown, drainMs: config.shutdownDrainMs });
      // Before the database closes: a run under way finishes (or rolls back) first.
      await retention?.stop();
      await erasureScrubber.stop();
      await apollo.stop();
      await database.close();
      await replays?.close();
      await tracing?.shutdown();
    },
  };
}

/** Entry point of a subgraph process, one of `topology`: start, and stop cleanly on SIGTERM/SIGINT. */
export function runSubgraph<Extra extends object>(module: SubgraphModule<Extra>, topology: Topology): void {
  runHubProcess(
    `subgraph ${module.name}`,
    () => loadSubgraphConfig(topology, module.name, process.env, module.retention?.kinds),
    (config) => startSubgraph(module, config),
  );
}
