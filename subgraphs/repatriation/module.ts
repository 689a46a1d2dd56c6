/** The repatriation subgraph: journeys home and their state machine; extends Victim with repatriation. */
import { Victim } from "./entities/victim";
import { AuditTrail1768003200000 } from "../../platform/audit/migration";
import { victimAccessAskingContext, type GrantedVictimAccess } from "../../contracts/victim-access/asking";
import type { SubgraphModule } from "../../platform/subgraph-server";
import { repatriationSubjectExport } from "./subject-export";
import { journeysRoute } from "./statistics-route";
import { JourneyLeg } from "./entities/journey-leg";
import { RepatriationCase } from "./entities/repatriation-case";
import { RepatriationTransition } from "./entities/repatriation-transition";
import { CreateRepatriation1767225600000 } from "./migrations/1767225600000-create-repatriation";
import { RepatriationWorkflows1767916800000 } from "./migrations/1767916800000-repatriation-workflows";
import { RepatriationRetention1768262400000 } from "./migrations/1768262400000-repatriation-retention";
import { holdsFromVictims } from "../legal-holds";
import { closedRepatriationRetention } from "./retention";
import { RepatriationErasure1768348800000 } from "./migrations/1768348800000-erasure";
import { repatriationErasure } from "./erasure";
import { repatriationPolicy } from "./policy";
import {
  RepatriationCaseResolver,
  repatriationReferenceResolvers,
  VictimRepatriationResolver,
} from "./resolvers/repatriation-resolver";
import { RepatriationWorkflowResolver } from "./resolvers/repatriation-workflow-resolver";
import { repatriationDemoData } from "./seed";

export const repatriationSubgraph: SubgraphModule<GrantedVictimAccess> = {
  name: "repatriation",
  entities: [RepatriationCase, JourneyLeg, RepatriationTransition],
  migrations: [
    CreateRepatriation1767225600000,
    RepatriationWorkflows1767916800000,
    AuditTrail1768003200000,
    RepatriationRetention1768262400000,
    RepatriationErasure1768348800000,
  ],
  resolvers: [RepatriationCaseResolver, VictimRepatriationResolver, RepatriationWorkflowResolver],
  // Victim is only reached through `_entities` here; list it so it is always in the schema.
  orphanedTypes: [Victim],
  referenceResolvers: repatriationReferenceResolvers,
  policy: repatriationPolicy,
  subjectExport: repatriationSubjectExport,
  demoData: repatriationDemoData,
  routes: [journeysRoute],
  erasure: repatriationErasure,
  // Asks the victims subgraph who the caller may see (or reads a grant of this request).
  requestContext: victimAccessAskingContext,
  retention: { kinds: [closedRepatriationRetention], holds: holdsFromVictims },
};
