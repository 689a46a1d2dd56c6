/** The four subgraphs, in one list for composition, the access matrix and tests. */
import { embassiesSubgraph } from "./embassies/module";
import { repatriationSubgraph } from "./repatriation/module";
import { sheltersSubgraph } from "./shelters/module";
import { victimsSubgraph } from "./victims/module";

export const SUBGRAPH_MODULES = [victimsSubgraph, sheltersSubgraph, embassiesSubgraph, repatriationSubgraph] as const;
