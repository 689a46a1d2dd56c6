# One image for the four subgraphs and the gateway; docker-compose.yml picks the entry.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY platform ./platform
COPY contracts ./contracts
COPY demo ./demo
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json supergraph.graphql ./
USER node
CMD ["node", "dist/gateway/index.js"]
