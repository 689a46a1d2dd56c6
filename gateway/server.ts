/**
 * The hub's gateway: @apollo/gateway over the committed supergraph, behind one HTTP
 * server that verifies the caller's token before anything runs, filters fields the
 * caller's role may never see, and forwards the token to the subgraphs (which enforce
 * the record rules themselves).
 */
import fs from "node:fs";
import type { Server } from "node:http";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerOptionsWithGateway, type ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { loadRequestSigningKey, loadVerificationKey } from "../platform/auth/keys";
import { createRequestSigner } from "../platform/auth/request-signature";
import { createTokenVerifier } from "../platform/auth/tokens";
import type { GatewayConfig } from "../platform/config";
import { clientErrorFormatter, requestIdPlugin } from "../platform/errors";
import { costLimitPlugin, hardenedServerOptions } from "../platform/limits";
import {
  addHealthRoutes,
  createHttpApp,
  authenticate,
  requireGraphQLRequestShape,
  boundPort,
  closeServer,
  listen,
  requestLog,
  sendRequestError,
  withRequestId,
  type ShutdownState,
} from "../platform/http";
import { chooseLogFormat, createLogger } from "../platform/logger";
import { startTracing } from "../platform/tracing";
import { addMetricsRoute, metricsAccess, operationLabels, requestMetricsPlugin } from "../platform/metrics";
import type { GatewayContext } from "./context";
import { createOrganisationRateLimiter, rateLimitByOrganisation } from "./rate-limit";
import { argumentPolicyPlugin } from "../platform/policy/argument-rules";
import { fieldFilterPlugin } from "./field-filter-plugin";
import { addExplorerRoutes, loadExplorer } from "./explorer/index";
import { createSubgraphFetcher, signingFetcher, SubgraphSource } from "./subgraph-source";
import { addPortalRoute } from "./portal";
import {
  documentNames,
  loadTrustedDocuments,
  trustedDocumentsMiddleware,
  type TrustedDocuments,
} from "./trusted-documents";
import { markGrantWanted } from "./victim-access-grants";

/** Development aid: SQL statements and questions to other subgraphs, per subgraph, for this request (tests and the benchmark). */
function statementReportPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            sqlStatements: contextValue.sqlStatements,
            peerQuestions: contextValue.peerQuestions,
          };
        },
      };
    },
  };
}

type Gateway = ApolloServerOptionsWithGateway<GatewayContext>["gateway"];

/**
 * The gateway as Apollo Server sees it, but an operation name the document does not define
 * is answered as an execution error: Apollo Server then answers 400 OPERATION_RESOLUTION_FAILURE,
 * as it does in every subgraph. @apollo/gateway's executor throws on it instead, which Apollo
 * Server turns into a 500.
 */
function resolvingOperationsFirst(gateway: Gateway): Gateway {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(options) {
      const loaded = await gateway.load(options);
      const executor = loaded.executor;
      if (!executor) return loaded;
      return {
        executor: async (requestContext) => {
          if (requestContext.operation) return executor(requestContext);
          const name = requestContext.request.operationName;
          return {
            errors: [
              new GraphQLError(
                name
                  ? `Unknown operation named "${name}".`
                  : "Must provide operation name if query contains multiple operations.",
              ),
            ],
          };
        },
      };
    },
  };
}

export interface RunningGateway {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const log = createLogger("gateway", config.logLevel, chooseLogFormat(config.logFormat));
  const tracing = startTracing("gateway", Object.keys(config.subgraphUrls), config);
  const metrics = metricsAccess(config);
  const trusted = config.trustedDocuments;
  const documents: TrustedDocuments =
    trusted.dir && trusted.mode !== "off" ? loadTrustedDocuments(trusted.dir) : new Map();
  // When only registered documents run, their names are the operations worth a label.
  operationLabels.allowOnly(
    config.metricsOperations ?? (trusted.mode === "require" ? documentNames(documents) : undefined),
  );
  const verifier = createTokenVerifier(config.auth, loadVerificationKey(config.auth));
  const supergraphSdl = fs.readFileSync(config.supergraphFile, "utf8");
  const fetcher = signingFetcher(
    createSubgraphFetcher(config.subgraphTimeoutMs),
    createRequestSigner("gateway", loadRequestSigningKey(config.auth, "gateway")),
  );
  // @apollo/gateway otherwise reports this machine's OS, CPUs, memory and uptime to Apollo's servers every
  // hour; a hub of survivors' data talks to no third party. Read by its constructor, so set before it.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphSource(name, config.subgraphUrls[name] ?? url ?? "", fetcher),
    experimental_didResolveQueryPlan: markGrantWanted,
    // Its spans (platform/tracing.ts) say the operation's name and kind only: never the document's text,
    // which can hold literal values, nor exceptions, whose messages can quote a variable.
    telemetry: { includeDocument: false, recordExceptions: false },
  });

  // Read before listening: a missing or unexpected file stops the start, not a browser later.
  const explorer = config.explorer ? loadExplorer() : undefined;
  const fieldFilter = fieldFilterPlugin({ cacheSize: 2000, log });
  const production = config.environment === "production";
  const apollo = new ApolloServer<GatewayContext>({
    gateway: resolvingOperationsFirst(gateway),
    ...hardenedServerOptions({ limits: config.limits, production, introspection: config.introspection }),
    // Automatic persisted queries would bypass the field filter's rewrite of the query text.
    persistedQueries: false,
    formatError: clientErrorFormatter(log),
    plugins: [
      requestIdPlugin<GatewayContext>(),
      fieldFilter,
      // After the filter (on what is left of the operation), before planning: arguments obey field rules.
      argumentPolicyPlugin<GatewayContext>(fieldFilter.mayUse),
      costLimitPlugin(config.limits),
      // Apollo's landing page loads Apollo Sandbox from Apollo's CDN, with telemetry: the explorer is the hub's own.
      ApolloServerPluginLandingPageDisabled(),
      ...(config.perRequestCounters ? [statementReportPlugin()] : []),
      // Last: it counts the errors the others added.
      requestMetricsPlugin<GatewayContext>(),
    ],
  });
  await apollo.start();
  const rateLimiter = await createOrganisationRateLimiter(config.rateLimits, log);

  const app = createHttpApp();
  // The gateway makes every request id itself: a client's `x-request-id` binds nothing. It
  // counts nothing itself (it adds up the subgraphs' headers in its context): no request scope.
  app.use(withRequestId("ignored"));
  // Before the request log (a scrape every few seconds is no request worth a line; a refused one logs itself)
  // and apart from /graphql: a partner's token opens nothing here (platform/metrics.ts).
  addMetricsRoute(app, metrics, log);
  app.use(requestLog(log));
  const shutdown: ShutdownState = { draining: false };
  addHealthRoutes(app, async () => true, shutdown);
  // Before /graphql's token check: a browser's GET of the page needs none (the page's own requests do).
  if (explorer) addExplorerRoutes(app, explorer, "/graphql");
  addPortalRoute(app, config.portal, log);
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    authenticate(verifier),
    requireGraphQLRequestShape(),
    rateLimitByOrganisation(rateLimiter),
    // Before Apollo parses anything: in `require` mode an unregistered text is never parsed.
    trustedDocumentsMiddleware(trusted.mode, documents),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => ({
        caller: res.locals.caller,
        requestId: res.locals.requestId,
        authorization: req.header("authorization") ?? "",
        sqlStatements: {},
        peerQuestions: {},
        wantsVictimAccessGrant: false,
        victimAccessGrants: [],
      }),
    }),
  );
  // Anything else: a JSON 404, never express's HTML page (the gateway serves no page but the explorer's).
  app.use((_request, response) => void response.status(404).json({ errors: [{ message: "Not found" }] }));
  app.use(sendRequestError);

  const server: Server = await listen(app, config.port, config.host);
  const port = boundPort(server);
  log.info({ port, trustedDocuments: trusted.mode, organisationsWithDocuments: documents.size }, "gateway ready");
  return {
    port,
    url: `http://localhost:${port}/graphql`,
    async stop() {
      await closeServer(server, { shutdown, drainMs: config.shutdownDrainMs });
      await apollo.stop();
      await rateLimiter.close();
      await tracing?.shutdown();
    },
  };
}
