import "reflect-metadata";
import { runSubgraph } from "../../shared/subgraph-server";
import { repatriationSubgraph } from "./module";

runSubgraph(repatriationSubgraph);
