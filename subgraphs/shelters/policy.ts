/**
 * Access policy of the shelters subgraph. Bed counts and services are public to every
 * authenticated partner; who stays where is for that shelter, the case's owner and
 * partners the case is visible to, and government.
 */
import { connectionPolicy } from "../../platform/pagination";
import { PLACEMENT_RULE } from "./placement-rules";
import { ALL_ROLES, allow, CASE_ROLES, sameRule, tests, type SubgraphPolicy } from "../../platform/policy/types";

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
        allow(["government", "ngo", "shelter"], { ngo: PLACEMENT_RULE.ngo, shelter: PLACEMENT_RULE.shelter }),
      ),
      openShelter: allow(["government"]),
      updateShelter: allow(["government", "shelter"], { shelter: "its own shelter only" }),
    },
  },
  Shelter: {
    records: "Every shelter is listed for every authenticated partner.",
    fields: {
      ...sameRule(["id", "name", "region", "town", "capacity", "freeBeds", "services", "languages"], allow(ALL_ROLES)),
      residents: allow(["government", "ngo", "shelter"], {
        ngo: "residents whose case it owns",
        shelter: "its own shelter only",
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
    fields: sameRule(["id", "shelter", "placedAt", "endedAt", "endReason", "victim"], allow(CASE_ROLES)),
  },
  Victim: {
    records: "Victims the caller may see, as decided by the victims subgraph.",
    fields: {
      id: allow(CASE_ROLES),
      currentPlacement: allow(CASE_ROLES, { shelter: "only when the placement is in its own shelter" }),
    },
  },
  ...connectionPolicy("Shelter", ALL_ROLES),
};
