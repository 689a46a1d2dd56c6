import "reflect-metadata";
import { runSubgraph } from "../../shared/subgraph-server";
import { victimsSubgraph } from "./module";

runSubgraph(victimsSubgraph);
