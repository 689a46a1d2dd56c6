/** This subgraph's process (subgraphs/run.ts): the same line in every subgraph's folder. */
import { runSubgraphIn } from "../run";

runSubgraphIn(__dirname);
