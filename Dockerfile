# One image for the four subgraphs and the gateway; docker-compose.yml picks the entry.
# Build stage: dependencies are installed with --ignore-scripts because the project's own
# postinstall builds with tsc, which needs the sources copied only afterwards (TS5058). No
# dependency's install script is needed: the only ones (protobufjs, @apollo/protobufjs) only
# check their optional CLI; PGlite is WebAssembly, nothing native is compiled.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY platform ./platform
COPY contracts ./contracts
COPY demo ./demo
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY scripts ./scripts
# --omit=optional too: typeorm names ts-node (and so typescript) as an optional peer, which
# keeps our dev copies through a dev-only prune; nothing the processes load is optional (the
# explorer and its graphiql are off in production).
RUN npm run build && npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# Runtime stage: production dependencies, the compiled output and the supergraph only; the
# embedded PostgreSQL template is not prepared (the image runs against a server database).
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json supergraph.graphql ./
USER node
CMD ["node", "dist/gateway/index.js"]
