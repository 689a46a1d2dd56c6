/** The embassies subgraph: embassies, nationality verification, travel documents. */
import { Victim } from "./entities/victim";
import type { SubgraphModule } from "../../shared/subgraph-server";
import { Embassy } from "./entities/embassy";
import { NationalityVerification } from "./entities/nationality-verification";
import { TravelDocument } from "./entities/travel-document";
import { CreateEmbassies1767225600000 } from "./migrations/1767225600000-create-embassies";
import { embassiesPolicy } from "./policy";
import { EmbassyResolver, embassyReferenceResolvers, TravelDocumentResolver, VictimConsularResolver } from "./resolvers/embassy-resolver";
import { embassiesDemoData } from "./seed";

export const embassiesSubgraph: SubgraphModule = {
  name: "embassies",
  entities: [Embassy, NationalityVerification, TravelDocument],
  migrations: [CreateEmbassies1767225600000],
  resolvers: [EmbassyResolver, TravelDocumentResolver, VictimConsularResolver],
  // Victim is only reached through `_entities` here; list it so it is always in the schema.
  orphanedTypes: [Victim],
  referenceResolvers: embassyReferenceResolvers,
  policy: embassiesPolicy,
  demoData: embassiesDemoData,
};
