/**
 * Static composition: the supergraph is composed from the subgraphs' SDL at build time
 * (`npm run compose`) and committed, as Apollo recommends for production, so the
 * gateway never depends on a subgraph being up to learn the schema, and a change of
 * schema or policy shows up as a diff of `supergraph.graphql`.
 */
import { composeServices } from "@apollo/composition";
import { parse, printSchema } from "graphql";
import { buildSubgraphSchema } from "../platform/subgraph-server";
import { SUBGRAPHS } from "../subgraphs/index";
import { subgraphModule } from "../subgraphs/modules";

export interface Composition {
  supergraphSdl: string;
  /** What clients see (the supergraph without federation's machinery): the schema partner apps generate code from. */
  apiSchemaSdl: string;
  /** Fields of any subgraph without a policy entry. */
  unpoliced: string[];
}

export async function composeSupergraph(): Promise<Composition> {
  const unpoliced: string[] = [];
  const services = [];
  for (const { name, port } of SUBGRAPHS) {
    const module = subgraphModule(name);
    const built = await buildSubgraphSchema(module);
    unpoliced.push(...built.unpoliced.map((field) => `${module.name}: ${field}`));
    services.push({
      name: module.name,
      typeDefs: parse(built.sdl),
      // The gateway overrides these with <SUBGRAPH>_URL; they are the local defaults.
      url: `http://127.0.0.1:${port}/graphql`,
    });
  }
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join("\n")}`);
  }
  const apiSchemaSdl = printSchema(result.schema.toAPISchema().toGraphQLJSSchema());
  return { supergraphSdl: result.supergraphSdl, apiSchemaSdl, unpoliced };
}
