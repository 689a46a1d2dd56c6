import "reflect-metadata";
import { runSubgraph } from "../../shared/subgraph-server";
import { embassiesSubgraph } from "./module";

runSubgraph(embassiesSubgraph);
