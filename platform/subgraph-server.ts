/**
 * One bootstrap for all four subgraphs. A subgraph folder exports a `SubgraphModule`
 * (its entities, migrations, resolvers, policy, demo data) and an entry file that calls
 * `runSubgraph`; everything else — config, database, auth, errors, health, logging —
 * is here, identical for all.
 */
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express } from "express";
import type { Server } from "node:http";
import type { DataSource } from "typeorm";
import type { NonEmptyArray } from "type-graphql";
import { AuditAppender, RequestAudit } from "./audit/audit-log";
import { auditMiddleware } from "./audit/middleware";
import { auditPlugin } from "./audit/plugin";
import { mountAuditRoutes } from "./audit/trail";
import { createServiceCredentials, loadServiceSecret } from "./auth/service-credentials";
import { createVictimAccessGrants, GRANT_WANTED_HEADER } from "./auth/victim-access-grant";
import { loadRequestSigningSecret, loadVerificationKey } from "./auth/keys";
import { createRequestSignatureVerifier, createRequestSigner } from "./auth/request-signature";
import { createTokenVerifier } from "./auth/tokens";
import { loadSubgraphConfig, type SubgraphConfig, type SubgraphName, type Topology } from "./config";
import type { SubgraphContext } from "./context";
import { openDatabase, type Database } from "./database";
import { formatClientError } from "./errors";
import { buildFederatedSchema, type FederatedSchema } from "./federation";
import {
  addHealthRoutes,
  authenticate,
  boundPort,
  closeServer,
  listen,
  requestLog,
  requireHubSignature,
  sendRequestError,
  withRequestScope,
  type ShutdownState,
} from "./http";
import type { InternalRouteDeps } from "./internal-api";
import { costLimitPlugin, hardenedServerOptions } from "./limits";
import { createLogger } from "./logger";
import { argumentPolicyPlugin } from "./policy/argument-rules";
import { policyMiddleware } from "./policy/middleware";
import type { SubgraphPolicy } from "./policy/types";
import { requestScope } from "./request-scope";
import { describeStartupFailure, EXIT_FAILURE, whenSupervisorGone } from "./startup";
import { inputGuard, validateArgument } from "./validation";
import { openVictimAccessGrants } from "./victim-access";

// type-graphql and TypeORM take classes of any constructor shape.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = Function[];

export interface DemoData {
  /** True when the subgraph's database holds none of its records yet. */
  isEmpty(db: DataSource): Promise<boolean>;
  /** Loads the demo release into an empty database, in one transaction. */
  load(db: DataSource): Promise<void>;
}

export interface SubgraphModule {
  name: SubgraphName;
  entities: ClassList;
  migrations: ClassList;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: ClassList;
  referenceResolvers?: GraphQLResolverMap<unknown>;
  policy: SubgraphPolicy;
  demoData: DemoData;
  /** Service-to-service routes this subgraph answers (see internal-api.ts), mounted before /graphql. */
  extendApp?(app: Express, deps: InternalRouteDeps): void;
  /** Apollo Server plugins of this subgraph only, before the shared ones. */
  plugins?: ApolloServerPlugin<SubgraphContext>[];
}

export function buildSubgraphSchema(module: SubgraphModule): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: module.resolvers,
    orphanedTypes: module.orphanedTypes,
    policy: module.policy,
    referenceResolvers: module.referenceResolvers,
    // Audit outside policy: what the policy refuses is recorded too.
    // Then every argument's guard (NUL, lone surrogates, size, id kinds) before any resolver sees it.
    globalMiddlewares: [auditMiddleware, policyMiddleware(module.policy), inputGuard],
    validateFn: validateArgument,
  });
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

export async function startSubgraph(module: SubgraphModule, config: SubgraphConfig): Promise<RunningSubgraph> {
  const log = createLogger(`subgraph-${module.name}`, config.logLevel);
  const verifier = createTokenVerifier(config.auth, loadVerificationKey(config.auth));
  const serviceSecret = loadServiceSecret({
    serviceSecretFile: config.serviceSecretFile,
    devKeyDir: config.auth.devKeyDir,
  });
  const services = createServiceCredentials(module.name, serviceSecret);
  const grants = createVictimAccessGrants(serviceSecret);
  const requestSigningSecret = loadRequestSigningSecret(config.auth);
  const signatures = createRequestSignatureVerifier(requestSigningSecret);
  const requestSigner = createRequestSigner(module.name, requestSigningSecret);
  const { schema, unpoliced, argumentRoles } = await buildSubgraphSchema(module);
  if (unpoliced.length > 0) log.warn({ fields: unpoliced }, "fields without a policy entry are visible to nobody");

  const database = await openDatabase({
    name: module.name,
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    embeddedSharedBuffersMb: config.embeddedSharedBuffersMb,
    entities: module.entities,
    migrations: module.migrations,
    logger: log,
  });
  const db = database.dataSource;
  if (config.seedDemoData === "if-empty" && (await module.demoData.isEmpty(db))) {
    await module.demoData.load(db);
    log.info("demo data loaded");
  }

  const production = config.environment === "production";
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    // The same limits as the gateway: a subgraph called directly is no way around them.
    ...hardenedServerOptions({ limits: config.limits, production, introspection: config.introspection }),
    formatError: (formatted, error) => formatClientError(formatted, requestScope.getStore()?.requestId, error, log),
    // No usage reporting to Apollo's cloud: case data never leaves the hub.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ...(module.plugins ?? []),
      // Arguments obey field rules here too: a request that reached this subgraph any other way than through the gateway's check is no way around them.
      argumentPolicyPlugin<SubgraphContext>(
        (role, coordinate) => argumentRoles.get(coordinate)?.includes(role) ?? false,
      ),
      costLimitPlugin(config.limits),
      auditPlugin(new AuditAppender(db), log),
      ...(config.diagnosticCounters ? [statementCountPlugin()] : []),
    ],
  });
  await apollo.start();

  const app = express();
  app.disable("x-powered-by");
  app.use(withRequestScope("trusted"));
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
  app.use(requireHubSignature(signatures, "1mb"));
  mountAuditRoutes(app, { db, verifier, services, log }, module.name);
  module.extendApp?.(app, { db, verifier, services, log });
  app.use(
    "/graphql",
    authenticate(verifier),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<SubgraphContext> => {
        const authorization = req.header("authorization") ?? "";
        const requestId: string = res.locals.requestId;
        return {
          caller: res.locals.caller,
          requestId,
          authorization,
          db,
          log,
          loaders: new Map(),
          audit: new RequestAudit(res.locals.caller, requestId),
          peers: config.peerUrls,
          services,
          requestSigner,
          grants,
          grantedVictimAccess: openVictimAccessGrants(
            grants,
            (req.body as { extensions?: unknown } | undefined)?.extensions,
            authorization,
            requestId,
            module.name,
            log,
          ),
          // Only the gateway may ask for a grant: it alone strips it before answering the client.
          grantFor:
            res.locals.signer === "gateway" && req.header(GRANT_WANTED_HEADER) === "wanted" ? new Set() : undefined,
        };
      },
    }),
  );
  app.use(sendRequestError);

  const server: Server = await listen(app, config.port, config.host);
  const port = boundPort(server);
  log.info({ port, host: config.host }, "subgraph ready");
  return {
    port,
    url: `http://${config.host}:${port}/graphql`,
    database,
    async stop() {
      await closeServer(server, { shutdown, drainMs: config.shutdownDrainMs });
      await apollo.stop();
      await database.close();
    },
  };
}

/** Entry point of a subgraph process, one of `topology`: start, and stop cleanly on SIGTERM/SIGINT. */
export function runSubgraph(module: SubgraphModule, topology: Topology): void {
  let config: SubgraphConfig;
  try {
    config = loadSubgraphConfig(topology, module.name);
  } catch (error) {
    const failure = describeStartupFailure(error);
    console.error(failure.message);
    process.exit(failure.exitCode);
  }
  let stopRunning: (() => void) | undefined;
  whenSupervisorGone(() => (stopRunning ? stopRunning() : process.exit(EXIT_FAILURE)));
  startSubgraph(module, config).then(
    (running) => {
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      stopRunning = shutdown;
      process.once("SIGTERM", shutdown);
      process.once("SIGINT", shutdown);
    },
    (error: unknown) => {
      // A configuration problem (port taken, data directory held, …) exits with its own code: the supervisor does not restart it.
      const failure = describeStartupFailure(error);
      console.error(`subgraph ${module.name} failed to start: ${failure.message}`);
      process.exit(failure.exitCode);
    },
  );
}
