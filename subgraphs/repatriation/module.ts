/** The repatriation subgraph: journeys home and their state machine; extends Victim with repatriation. */
import { Victim } from "./entities/victim";
import type { SubgraphModule } from "../../shared/subgraph-server";
import { JourneyLeg } from "./entities/journey-leg";
import { RepatriationCase } from "./entities/repatriation-case";
import { CreateRepatriation1767225600000 } from "./migrations/1767225600000-create-repatriation";
import { repatriationPolicy } from "./policy";
import { RepatriationCaseResolver, repatriationReferenceResolvers, VictimRepatriationResolver } from "./resolvers/repatriation-resolver";
import { repatriationDemoData } from "./seed";

export const repatriationSubgraph: SubgraphModule = {
  name: "repatriation",
  entities: [RepatriationCase, JourneyLeg],
  migrations: [CreateRepatriation1767225600000],
  resolvers: [RepatriationCaseResolver, VictimRepatriationResolver],
  // Victim is only reached through `_entities` here; list it so it is always in the schema.
  orphanedTypes: [Victim],
  referenceResolvers: repatriationReferenceResolvers,
  policy: repatriationPolicy,
  demoData: repatriationDemoData,
};
