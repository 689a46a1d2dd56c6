/**
 * Access policy of the embassies subgraph. Embassies are listed for everyone; a
 * victim's verification and documents follow the victim's visibility (decided by the
 * victims subgraph), and a travel-document number only reaches the issuing embassy,
 * government and the repatriation agency.
 */
import { connectionPolicy } from "../../platform/pagination";
import { enforcerFor } from "../../platform/policy/enforce";
import { ALL_ROLES, allow, CASE_ROLES, sameRule, type SubgraphPolicy } from "../../platform/policy/types";
import { CASE_OWNER } from "../victims/conditions";
import { ADDRESSED_TO_ITS_COUNTRY, ISSUING_EMBASSY, OWN_COUNTRY_DOCUMENTS } from "./conditions";

const CONSULAR_CASE_ROLES = ["government", "ngo", "embassy", "repatriation"] as const;

export const embassiesPolicy: SubgraphPolicy = {
  Query: {
    records: "Entry points.",
    fields: { embassies: allow(ALL_ROLES) },
  },
  Mutation: {
    records:
      "Writes obey the victims subgraph's record rule (a person you may not see is NOT_FOUND); an embassy acts for its own country only.",
    fields: {
      requestNationalityVerification: allow(["government", "ngo"], { ngo: CASE_OWNER }),
      decideNationalityVerification: allow(["embassy"], { embassy: ADDRESSED_TO_ITS_COUNTRY }),
      ...sameRule(
        ["issueTravelDocument", "revokeTravelDocument"],
        allow(["embassy"], { embassy: OWN_COUNTRY_DOCUMENTS }),
      ),
    },
  },
  Embassy: {
    records: "Every embassy is listed for every authenticated partner.",
    idKind: "organisation",
    fields: sameRule(["id", "country", "name", "city"], allow(ALL_ROLES)),
  },
  NationalityVerification: {
    records: "Verifications of victims the caller may see; an embassy only those addressed to its country.",
    subject: "victimId",
    fields: sameRule(["id", "country", "status", "requestedAt", "decidedAt", "reason"], allow(CONSULAR_CASE_ROLES)),
  },
  TravelDocument: {
    records: "Documents of victims the caller may see; an embassy only those its country issued.",
    subject: "victimId",
    fields: {
      ...sameRule(["id", "issuingCountry", "kind", "issuedOn", "expiresOn", "status"], allow(CONSULAR_CASE_ROLES)),
      number: allow(["government", "embassy", "repatriation"], { embassy: ISSUING_EMBASSY }),
    },
  },
  Victim: {
    records: "Victims the caller may see, as decided by the victims subgraph.",
    subject: "id",
    fields: {
      // The key field carries the same rule in every subgraph that declares Victim.
      id: allow(CASE_ROLES),
      ...sameRule(["nationalityVerification", "travelDocuments"], allow(CONSULAR_CASE_ROLES)),
    },
  },
  ...connectionPolicy("Embassy", ALL_ROLES),
};

/** Runs this subgraph's conditions on the records its resolvers load (platform/policy/enforce.ts). */
export const enforce = enforcerFor(embassiesPolicy);
