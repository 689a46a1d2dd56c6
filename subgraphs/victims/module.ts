/** The victims subgraph: cases, consents, referrals. Owns `Victim` and who may see it. */
import type { SubgraphModule } from "../../shared/subgraph-server";
import { Consent } from "./entities/consent";
import { Referral } from "./entities/referral";
import { Victim } from "./entities/victim";
import { mountVictimAccessRoute } from "./access-route";
import { CreateVictims1767225600000 } from "./migrations/1767225600000-create-victims";
import { victimsPolicy } from "./policy";
import { MeResolver } from "./resolvers/me-resolver";
import { VictimResolver, victimReferenceResolvers } from "./resolvers/victim-resolver";
import { victimsDemoData } from "./seed";

export const victimsSubgraph: SubgraphModule = {
  name: "victims",
  entities: [Victim, Consent, Referral],
  migrations: [CreateVictims1767225600000],
  resolvers: [VictimResolver, MeResolver],
  referenceResolvers: victimReferenceResolvers,
  policy: victimsPolicy,
  demoData: victimsDemoData,
  extendApp: mountVictimAccessRoute,
};
