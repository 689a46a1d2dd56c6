/** The embassies subgraph: embassies, nationality verification, travel documents. */
import { Victim } from "./entities/victim";
import { AuditTrail1768003200000 } from "../../platform/audit/migration";
import { victimAccessAskingContext, type GrantedVictimAccess } from "../../contracts/victim-access/asking";
import type { SubgraphModule } from "../../platform/subgraph-server";
import { embassiesSubjectExport } from "./subject-export";
import { travelReadinessRoute } from "./travel-readiness-route";
import { Embassy } from "./entities/embassy";
import { NationalityVerification } from "./entities/nationality-verification";
import { TravelDocument } from "./entities/travel-document";
import { CreateEmbassies1767225600000 } from "./migrations/1767225600000-create-embassies";
import { ConsularWorkflows1767916800000 } from "./migrations/1767916800000-consular-workflows";
import { TravelDocumentRetention1768262400000 } from "./migrations/1768262400000-travel-document-retention";
import { holdsFromVictims } from "../legal-holds";
import { expiredTravelDocumentRetention } from "./retention";
import { EmbassiesErasure1768348800000 } from "./migrations/1768348800000-erasure";
import { embassiesErasure } from "./erasure";
import { EncryptAtRest1768305600000 } from "./migrations/1768305600000-encrypt-at-rest";
import { embassiesPolicy } from "./policy";
import {
  EmbassyResolver,
  embassyReferenceResolvers,
  TravelDocumentResolver,
  VictimConsularResolver,
} from "./resolvers/embassy-resolver";
import { ConsularWorkflowResolver } from "./resolvers/consular-workflow-resolver";
import { embassiesDemoData } from "./seed";

export const embassiesSubgraph: SubgraphModule<GrantedVictimAccess> = {
  name: "embassies",
  entities: [Embassy, NationalityVerification, TravelDocument],
  migrations: [
    CreateEmbassies1767225600000,
    ConsularWorkflows1767916800000,
    AuditTrail1768003200000,
    TravelDocumentRetention1768262400000,
    EncryptAtRest1768305600000,
    EmbassiesErasure1768348800000,
  ],
  resolvers: [EmbassyResolver, TravelDocumentResolver, VictimConsularResolver, ConsularWorkflowResolver],
  // Victim is only reached through `_entities` here; list it so it is always in the schema.
  orphanedTypes: [Victim],
  referenceResolvers: embassyReferenceResolvers,
  policy: embassiesPolicy,
  subjectExport: embassiesSubjectExport,
  demoData: embassiesDemoData,
  routes: [travelReadinessRoute],
  erasure: embassiesErasure,
  // Asks the victims subgraph who the caller may see (or reads a grant of this request).
  requestContext: victimAccessAskingContext,
  retention: { kinds: [expiredTravelDocumentRetention], holds: holdsFromVictims },
};
