import "reflect-metadata";
import { runSubgraph } from "../../platform/subgraph-server";
import { embassiesSubgraph } from "./module";

runSubgraph(embassiesSubgraph);
