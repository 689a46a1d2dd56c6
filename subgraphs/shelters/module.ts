/** The shelters subgraph: shelters, beds and placements; extends Victim with currentPlacement. */
import { Victim } from "./entities/victim";
import { AuditTrail1768003200000 } from "../../platform/audit/migration";
import { victimAccessAskingContext, type GrantedVictimAccess } from "../../contracts/victim-access/asking";
import type { SubgraphModule } from "../../platform/subgraph-server";
import { sheltersSubjectExport } from "./subject-export";
import { staysRoute } from "./statistics-route";
import { sheltersErasure } from "./erasure";
import { Placement } from "./entities/placement";
import { Shelter } from "./entities/shelter";
import { CreateShelters1767225600000 } from "./migrations/1767225600000-create-shelters";
import { PlacementWorkflows1767916800000 } from "./migrations/1767916800000-placement-workflows";
import { ShelterOccupancy1768089600000 } from "./migrations/1768089600000-shelter-occupancy";
import { PlacementRetention1768262400000 } from "./migrations/1768262400000-placement-retention";
import { holdsFromVictims } from "../legal-holds";
import { endedPlacementRetention } from "./retention";
import { sheltersPolicy } from "./policy";
import {
  PlacementResolver,
  ShelterResolver,
  shelterReferenceResolvers,
  VictimPlacementResolver,
} from "./resolvers/shelter-resolver";
import { OccupancyResolver } from "./resolvers/occupancy-resolver";
import { PlacementWorkflowResolver } from "./resolvers/placement-workflow-resolver";
import { ShelterManagementResolver } from "./resolvers/shelter-management-resolver";
import { sheltersDemoData } from "./seed";

export const sheltersSubgraph: SubgraphModule<GrantedVictimAccess> = {
  name: "shelters",
  entities: [Shelter, Placement],
  migrations: [
    CreateShelters1767225600000,
    PlacementWorkflows1767916800000,
    AuditTrail1768003200000,
    ShelterOccupancy1768089600000,
    PlacementRetention1768262400000,
  ],
  resolvers: [
    ShelterResolver,
    PlacementResolver,
    VictimPlacementResolver,
    PlacementWorkflowResolver,
    ShelterManagementResolver,
    OccupancyResolver,
  ],
  // Victim is only reached through `_entities` here; list it so it is always in the schema.
  orphanedTypes: [Victim],
  referenceResolvers: shelterReferenceResolvers,
  policy: sheltersPolicy,
  subjectExport: sheltersSubjectExport,
  demoData: sheltersDemoData,
  routes: [staysRoute],
  erasure: sheltersErasure,
  // Asks the victims subgraph who the caller may see (or reads a grant of this request).
  requestContext: victimAccessAskingContext,
  retention: { kinds: [endedPlacementRetention], holds: holdsFromVictims },
};
