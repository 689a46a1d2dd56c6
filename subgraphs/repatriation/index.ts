import "reflect-metadata";
import { runSubgraph } from "../../platform/subgraph-server";
import { repatriationSubgraph } from "./module";

runSubgraph(repatriationSubgraph);
