/** Access policy of the repatriation subgraph. */
import { connectionPolicy } from "../../platform/pagination";
import {
  allow,
  CASE_ROLES as EVERY_CASE_ROLE,
  derived,
  input,
  sameRule,
  tests,
  type SubgraphPolicy,
} from "../../platform/policy/types";
import { enforcerFor } from "../../platform/policy/enforce";
import { CASE_OWNER } from "../victims/conditions";
import { VICTIM_FIELD_RULES } from "../victims/field-rules";
import {
  AGENCY_STEPS,
  CASE_OWNER_OR_RECEIVER_STEPS,
  DESTINATION_EMBASSY_STEPS,
  GOVERNMENT_STEPS,
  UNTIL_DEPARTURE,
  WHILE_PERSON_SHARED,
} from "./conditions";
import { CASE_RECORD_RULES } from "./record-rules";
import { transitionsInWords } from "./state-machine";

const CASE_ROLES = ["government", "ngo", "embassy", "repatriation"] as const;

export const repatriationPolicy: SubgraphPolicy = {
  Query: {
    records: "Entry points; each applies the RepatriationCase record rule.",
    fields: {
      repatriationCases: {
        ...allow(CASE_ROLES),
        arguments: {
          filter: input({
            status: tests("RepatriationCase.status"),
            destinationCountry: tests("RepatriationCase.destinationCountry"),
          }),
        },
      },
    },
  },
  Mutation: {
    records: `Writes obey the RepatriationCase record rule (a case you may not see is NOT_FOUND). Steps: ${transitionsInWords()}.`,
    fields: {
      requestRepatriation: allow(["government", "ngo", "repatriation"], { ngo: CASE_OWNER }),
      changeRepatriationStatus: allow(CASE_ROLES, {
        ngo: CASE_OWNER_OR_RECEIVER_STEPS,
        embassy: DESTINATION_EMBASSY_STEPS,
        government: GOVERNMENT_STEPS,
        repatriation: AGENCY_STEPS,
      }),
      // `caseId` names the case the leg is added to: a key, not something written.
      addJourneyLeg: { ...allow(["repatriation"], { repatriation: UNTIL_DEPARTURE }), keyArguments: ["caseId"] },
    },
  },
  RepatriationCase: {
    records: CASE_RECORD_RULES,
    subject: "victimId",
    fields: {
      ...sameRule(
        ["id", "status", "destinationCountry", "requestedAt", "updatedAt", "history", "victim"],
        allow(CASE_ROLES),
      ),
      // The person's part of the case: the agency sees every case, these only while it may see the person.
      ...sameRule(
        ["receivingOrganisation", "receivingOrgId", "journeyLegs"],
        allow(CASE_ROLES, { repatriation: WHILE_PERSON_SHARED }),
      ),
      // Set from the person's medical escort need: whoever may not read that may not read this (never the embassy),
      // and, as the source is read only on a person the caller may see, only while it may (the resolver asks).
      escortRequired: derived("Victim.requiresMedicalEscort", VICTIM_FIELD_RULES.requiresMedicalEscort),
      // Free text that may hold medical detail, for those who plan the journey; narrower than its source, never wider.
      // An NGO sees it only on a person it may see too (a receiving organisation may not), as the source is read.
      escortNeeds: allow(["government", "ngo", "repatriation"], {
        ngo: WHILE_PERSON_SHARED,
        repatriation: WHILE_PERSON_SHARED,
      }),
    },
  },
  JourneyLeg: {
    records: "Legs of a visible case.",
    fields: sameRule(
      ["id", "sequence", "mode", "fromPlace", "toPlace", "carrier", "departsAt", "arrivesAt"],
      allow(CASE_ROLES),
    ),
  },
  RepatriationTransition: {
    records: "Steps of a visible case.",
    fields: sameRule(["id", "fromStatus", "toStatus", "byOrg", "byRole", "at"], allow(CASE_ROLES)),
  },
  Victim: {
    records: "Victims the caller may see (the victims subgraph decides), and only a case the caller may see.",
    subject: "id",
    fields: {
      // The key field carries the same rule in every subgraph that declares Victim.
      id: allow(EVERY_CASE_ROLE),
      repatriation: allow(CASE_ROLES),
    },
  },
  ...connectionPolicy("RepatriationCase", CASE_ROLES),
};

/** Runs this subgraph's conditions on the records its resolvers load (platform/policy/enforce.ts). */
export const enforce = enforcerFor(repatriationPolicy);
