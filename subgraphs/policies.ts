/**
 * The whole hub's access policy: each subgraph's `policy.ts`, in one list. Only the
 * policy files are imported (no entities or resolvers), so the victims subgraph can
 * answer `me` for the whole hub, and the access matrix is rendered from one source.
 */
import type { SubgraphName } from "../platform/config";
import type { SubgraphPolicy } from "../platform/policy/types";
import { embassiesPolicy } from "./embassies/policy";
import { repatriationPolicy } from "./repatriation/policy";
import { sheltersPolicy } from "./shelters/policy";
import { victimsPolicy } from "./victims/policy";

export const HUB_POLICIES: ReadonlyArray<{ subgraph: SubgraphName; policy: SubgraphPolicy }> = [
  { subgraph: "victims", policy: victimsPolicy },
  { subgraph: "shelters", policy: sheltersPolicy },
  { subgraph: "embassies", policy: embassiesPolicy },
  { subgraph: "repatriation", policy: repatriationPolicy },
];
