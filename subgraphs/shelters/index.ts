import "reflect-metadata";
import { runSubgraph } from "../../platform/subgraph-server";
import { sheltersSubgraph } from "./module";

runSubgraph(sheltersSubgraph);
