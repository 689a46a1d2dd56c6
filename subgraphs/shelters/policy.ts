/**
 * Access policy of the shelters subgraph. Bed counts and services are public to every
 * authenticated partner; who stays where is for that shelter, the case's owner and
 * partners the case is visible to, and government.
 */
import { connectionPolicy } from "../../platform/pagination";
import { enforcerFor } from "../../platform/policy/enforce";
import { ALL_ROLES, allow, CASE_ROLES, sameRule, tests, type SubgraphPolicy } from "../../platform/policy/types";
import { CASE_OWNED_BY_ITS_ORGANISATION, RESIDENT_CASE_OWNED } from "../victims/conditions";
import { OWN_SHELTER, PLACEMENT_IN_OWN_SHELTER, SHELTER_CONCERNED } from "./conditions";

export const sheltersPolicy: SubgraphPolicy = {
  Query: {
    records: "Entry points.",
    fields: {
      shelters: { ...allow(ALL_ROLES), arguments: { region: tests("Shelter.region") } },
      shelter: allow(ALL_ROLES),
      shelterOccupancy: allow(ALL_ROLES),
    },
  },
  Mutation: {
    records:
      "Placements obey the victims subgraph's record rule (a person you may not see is NOT_FOUND); shelter staff act for their own shelter.",
    fields: {
      ...sameRule(
        ["placeVictim", "transferVictim", "dischargeVictim"],
        allow(["government", "ngo", "shelter"], { ngo: CASE_OWNED_BY_ITS_ORGANISATION, shelter: SHELTER_CONCERNED }),
      ),
      openShelter: allow(["government"]),
      updateShelter: allow(["government", "shelter"], { shelter: OWN_SHELTER }),
    },
  },
  Shelter: {
    records: "Every shelter is listed for every authenticated partner.",
    idKind: "organisation",
    fields: {
      ...sameRule(["id", "name", "region", "town", "capacity", "freeBeds", "services", "languages"], allow(ALL_ROLES)),
      residents: allow(["government", "ngo", "shelter"], {
        ngo: RESIDENT_CASE_OWNED,
        shelter: OWN_SHELTER,
      }),
    },
  },
  RegionOccupancy: {
    records: "Sums of public bed counts per region.",
    fields: sameRule(["region", "shelters", "capacity", "occupiedBeds", "freeBeds"], allow(ALL_ROLES)),
  },
  Placement: {
    records:
      "Placements of victims the caller may see (the victims subgraph decides); shelter staff only those in their own shelter.",
    subject: "victimId",
    fields: sameRule(["id", "shelter", "placedAt", "endedAt", "endReason", "victim"], allow(CASE_ROLES)),
  },
  Victim: {
    records: "Victims the caller may see, as decided by the victims subgraph.",
    subject: "id",
    fields: {
      id: allow(CASE_ROLES),
      currentPlacement: allow(CASE_ROLES, { shelter: PLACEMENT_IN_OWN_SHELTER }),
    },
  },
  ...connectionPolicy("Shelter", ALL_ROLES),
};

/** Runs this subgraph's conditions on the records its resolvers load (platform/policy/enforce.ts). */
export const enforce = enforcerFor(sheltersPolicy);
