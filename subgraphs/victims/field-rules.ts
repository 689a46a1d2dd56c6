/**
 * Field rules of `Victim` — the DESIGN.md table, field by field. Kept apart from the rest
 * of the victims policy (and free of entities) so that a field of another subgraph derived
 * from a Victim field can carry exactly its rule (`derived("Victim.requiresMedicalEscort",
 * VICTIM_FIELD_RULES.requiresMedicalEscort)`) without loading the victims subgraph's code.
 */
import { allow, CASE_ROLES, sameRule, type FieldRule } from "../../platform/policy/types";
import { CASE_OWNER } from "./conditions";

const EVERY_RECORD_ROLE = CASE_ROLES; // government, ngo, shelter, embassy, repatriation

export const VICTIM_FIELD_RULES = {
  ...sameRule(
    ["id", "caseNumber", "nationality", "gender", "ageBracket", "preferredName", "languages"],
    allow(EVERY_RECORD_ROLE),
  ),
  ...sameRule(
    ["legalName", "dateOfBirth", "identityDocumentNumber"],
    allow(["government", "ngo", "embassy", "repatriation"]),
  ),
  ...sameRule(["nrmStatus", "identifiedAt"], allow(["government", "ngo", "repatriation"])),
  ...sameRule(["rescueLocation", "rescuedAt"], allow(["government", "ngo"])),
  ...sameRule(["medicalNeeds", "psychosocialNeeds"], allow(["government", "ngo", "shelter"])),
  requiresMedicalEscort: allow(["government", "ngo", "shelter", "repatriation"]),
  testimony: allow(["government", "ngo"], { ngo: CASE_OWNER }),
  familyContact: allow(["government", "ngo", "embassy"]),
  ...sameRule(["consents", "referrals", "version"], allow(["government", "ngo"])),
  // Duplicate flags point at cases the registering partner may not see: government reviews them.
  ...sameRule(["possibleDuplicateOf", "nrmDecidedBy"], allow(["government"])),
  // Why a case's fields are null is no secret from whoever sees the case.
  erasedAt: allow(EVERY_RECORD_ROLE),
  // The erasure's progress: to who may request it.
  erasure: allow(["government", "ngo"], { ngo: CASE_OWNER }),
  // That a hold stands, to who may request erasure: the owner's own case's audit trail names placeLegalHold anyway
  // and it must tell the survivor why erasure waits. Its reasons stay with government (LegalHold's policy).
  legalHold: allow(["government", "ngo"], { ngo: CASE_OWNER }),
} satisfies Record<string, FieldRule>;

/**
 * Fields of `Victim` that are not personal (DESIGN.md's first row), plus `version`, the
 * optimistic-concurrency counter a writer must read: reading them is not audited.
 */
export const VICTIM_NOT_PERSONAL = ["caseNumber", "nationality", "gender", "ageBracket", "version"] as const;
