/**
 * Static composition: the supergraph is composed from the subgraphs' SDL at build time
 * (`npm run compose`) and committed, as Apollo recommends for production, so the
 * gateway never depends on a subgraph being up to learn the schema, and a change of
 * schema or policy shows up as a diff of `supergraph.graphql`.
 */
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { DEFAULT_SUBGRAPH_PORTS } from "../platform/config";
import { buildSubgraphSchema } from "../platform/subgraph-server";
import { SUBGRAPH_MODULES } from "../subgraphs/registry";

export interface Composition {
  supergraphSdl: string;
  /** Fields of any subgraph without a policy entry. */
  unpoliced: string[];
}

export async function composeSupergraph(): Promise<Composition> {
  const unpoliced: string[] = [];
  const services = [];
  for (const module of SUBGRAPH_MODULES) {
    const built = await buildSubgraphSchema(module);
    unpoliced.push(...built.unpoliced.map((field) => `${module.name}: ${field}`));
    services.push({
      name: module.name,
      typeDefs: parse(built.sdl),
      // The gateway overrides these with <SUBGRAPH>_URL; they are the local defaults.
      url: `http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[module.name]}/graphql`,
    });
  }
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join("\n")}`);
  }
  return { supergraphSdl: result.supergraphSdl, unpoliced };
}
