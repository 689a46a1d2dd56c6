/**
 * A subgraph process: `subgraphs/<name>/index.ts` is `runSubgraphIn(__dirname)`, the same
 * line in every folder, so copying a folder needs no edit there. The folder's name is the
 * subgraph's name in the list (subgraphs/index.ts).
 */
import "reflect-metadata";
import path from "node:path";
import { runSubgraph } from "../platform/subgraph-server";
import { SUBGRAPHS } from "./index";
import { subgraphModule } from "./modules";

export function runSubgraphIn(folder: string): void {
  const name = path.basename(folder);
  const entry = SUBGRAPHS.find((subgraph) => subgraph.name === name);
  if (!entry) throw new Error(`subgraphs/${name}/ is not in the list of subgraphs (subgraphs/index.ts)`);
  runSubgraph(subgraphModule(entry.name), SUBGRAPHS);
}
