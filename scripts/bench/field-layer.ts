/**
 * In-process micro-measure of the victims subgraph's field layer: the dashboard's first fetch
 * (`nationals(first: 100) { edges { node { id caseNumber legalName } } }`) executed N times
 * against the real built schema, with the root resolver answering a fixed page (no database),
 * so what is measured is graphql-js execution plus whatever the schema build installed per field.
 * Also through Apollo Server (executeOperation) with its default plugins (cacheControl on) and with
 * cacheControl disabled. Figures are per operation, CPU of this process; compare before and after in one sitting.
 * Usage: `npm run -s build && node dist/scripts/bench/field-layer.js [N]`. FIELD_LAYER_PROFILE="graphql execute"
 * writes a V8 CPU profile of that loop alone (FIELD_LAYER_PROFILE_FILE, default field-layer.cpuprofile).
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from "@apollo/server/plugin/disabled";
import { execute, parse, type GraphQLSchema } from "graphql";
import { RequestAudit } from "../../platform/audit/audit-log";
import type { Caller } from "../../platform/auth/claims";
import { createLogger } from "../../platform/logger";
import { buildSubgraphSchema } from "../../platform/subgraph-server";
import { subgraphModule } from "../../subgraphs/modules";
import { Victim } from "../../subgraphs/victims/entities/victim";

const N = Number(process.argv[2] ?? 300);
const QUERY = parse(`query Dashboard { nationals(first: 100) { edges { node { id caseNumber legalName } } } }`);
const caller: Caller = { sub: "u1", org: "embassy-PH", role: "embassy", country: "PH" };
const log = createLogger("micro", "warn");

function page() {
  const edges = Array.from({ length: 100 }, (_, index) => ({
    cursor: String(index),
    // Entities as TypeORM loads them (type-graphql copies a plain object into one for a field resolver).
    node: Object.assign(new Victim(), {
      id: randomUUID(),
      caseNumber: `TH-2026-${String(index).padStart(5, "0")}`,
      legalName: `Person ${index}`,
      nationality: "PH",
    }),
  }));
  return { edges, pageInfo: { hasNextPage: true, endCursor: "99" }, totalCount: 1000 };
}

function contextFor() {
  return { caller, requestId: randomUUID(), log, loaders: new Map(), audit: new RequestAudit(caller, "r") };
}

async function measure(label: string, run: () => Promise<unknown>) {
  for (let i = 0; i < 50; i++) await run();
  const profiling = process.env.FIELD_LAYER_PROFILE === label;
  const session = new Session();
  if (profiling) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const start = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await run();
  const cpu = process.cpuUsage(start);
  const ms = Number(process.hrtime.bigint() - wall) / 1e6;
  if (profiling) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(process.env.FIELD_LAYER_PROFILE_FILE ?? "field-layer.cpuprofile", JSON.stringify(profile));
    session.disconnect();
  }
  console.log(
    `${label.padEnd(44)} cpu ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/op  wall ${(ms / N).toFixed(3)} ms/op`,
  );
}

async function main() {
  const built = await buildSubgraphSchema(subgraphModule("victims"));
  const schema: GraphQLSchema = built.schema;
  const data = page();
  const nationals = schema.getQueryType()!.getFields().nationals;
  nationals.resolve = () => data;
  const first = await execute({ schema, document: QUERY, contextValue: contextFor() });
  if (first.errors) throw new Error(JSON.stringify(first.errors));
  await measure("graphql execute", async () => {
    await execute({ schema, document: QUERY, contextValue: contextFor() });
  });
  for (const [label, plugins] of [
    ["apollo executeOperation (default plugins)", []],
    ["apollo executeOperation (cacheControl off)", [ApolloServerPluginCacheControlDisabled()]],
  ] as const) {
    const apollo = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled(), ...plugins] });
    await apollo.start();
    const text = `query Dashboard { nationals(first: 100) { edges { node { id caseNumber legalName } } } }`;
    await measure(label, async () => {
      const result = await apollo.executeOperation({ query: text }, { contextValue: contextFor() });
      if (result.body.kind !== "single" || result.body.singleResult.errors) throw new Error("failed");
    });
    await apollo.stop();
  }
}

void main();
