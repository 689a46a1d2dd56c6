import "reflect-metadata";
import { runSubgraph } from "../../shared/subgraph-server";
import { sheltersSubgraph } from "./module";

runSubgraph(sheltersSubgraph);
