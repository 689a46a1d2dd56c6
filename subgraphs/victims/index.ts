import "reflect-metadata";
import { runSubgraph } from "../../platform/subgraph-server";
import { victimsSubgraph } from "./module";

runSubgraph(victimsSubgraph);
