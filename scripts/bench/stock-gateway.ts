/**
 * The benchmark's baseline: a stock @apollo/gateway over the same supergraph and
 * subgraphs, in its default configuration — no limits, no field filter, no audit, no
 * rate limit, no keep-alive tuning — only passing the caller's token on and signing its
 * fetches (the subgraphs refuse requests without either).
 */
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import fs from "node:fs";
import { loadRequestSigningKey } from "../../platform/auth/keys";
import { createRequestSigner } from "../../platform/auth/request-signature";
import { loadGatewayConfig } from "../../platform/config";
import { SUBGRAPHS } from "../../subgraphs/index";
import { signingFetcher } from "../../gateway/subgraph-source";

interface Context {
  authorization: string;
}

async function main(): Promise<void> {
  const config = loadGatewayConfig(SUBGRAPHS);
  const port = Number(process.env.STOCK_GATEWAY_PORT ?? 4100);
  const signer = createRequestSigner("gateway", loadRequestSigningKey(config.auth, "gateway"));
  const gateway = new ApolloGateway({
    supergraphSdl: fs.readFileSync(config.supergraphFile, "utf8"),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<Context>({
        url: config.subgraphUrls[name] ?? url,
        // Apollo's default fetcher, signed.
        fetcher: signingFetcher(new RemoteGraphQLDataSource({}).fetcher, signer),
        willSendRequest({ request, context }) {
          request.http?.headers.set("authorization", context.authorization);
        },
      }),
  });
  const server = new ApolloServer<Context>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port, host: "127.0.0.1" },
    context: async ({ req }) => ({ authorization: req.headers.authorization ?? "" }),
  });
  console.log(`stock gateway ready at ${url}`);
  process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
