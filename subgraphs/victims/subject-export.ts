/** What the victims subgraph holds about a person, for the survivor's copy (platform/subject-export.ts). */
import { allow, mayRead } from "../../platform/policy/types";
import type { SubjectExport } from "../../platform/subject-export";
import { Consent } from "./entities/consent";
import { ErasureRequest, LegalHold } from "./entities/erasure";
import { Referral } from "./entities/referral";
import { Victim } from "./entities/victim";
import { enforce, victimsPolicy } from "./policy";
import { caseFor } from "./record-rules";

const ORGANISATION = allow(["government", "ngo"]);
// Which staff member acted is government's, like AuditEntry.actorSub: the owner sees the organisation.
const STAFF = allow(["government"]);

export const victimsSubjectExport: SubjectExport = {
  // With the data this subgraph owns: the case under the caller's record rule, then the query's own rule.
  mayExport: async ({ caller, db, subjectId }) => {
    if (!mayRead(victimsPolicy, "Query", "exportSubjectData", caller.role)) return false;
    const victim = await caseFor(db.manager, caller, subjectId, false).catch(() => null);
    return victim !== null && enforce.holds({ caller }, "Query.exportSubjectData", "Victim", victim);
  },
  sources: [
    {
      type: "Victim",
      entity: Victim,
      read: (db, subjectId) => db.getRepository(Victim).find({ where: { id: subjectId } }),
      columns: {
        ownerOrg: { rule: ORGANISATION, why: "the organisation that owns the case" },
        createdAt: { rule: ORGANISATION, why: "when the case was registered" },
        updatedAt: { rule: ORGANISATION, why: "when the case was last changed" },
        possibleDuplicateOf: {
          omitted: "ids of other people's cases found alike at registration: not this person's data",
        },
        identityDocumentHash: {
          omitted:
            "a keyed hash of the identity document number, for duplicate detection: the number itself is in the copy",
        },
      },
    },
    {
      type: "Consent",
      entity: Consent,
      read: (db, subjectId) =>
        db.getRepository(Consent).find({ where: { victimId: subjectId }, order: { recordedAt: "ASC", id: "ASC" } }),
      columns: { victimId: { key: "the person who decided" } },
    },
    {
      type: "Referral",
      entity: Referral,
      read: (db, subjectId) =>
        db.getRepository(Referral).find({ where: { victimId: subjectId }, order: { createdAt: "ASC", id: "ASC" } }),
      columns: {
        victimId: { key: "the person whose case is referred" },
        retentionErasedAt: { rule: ORGANISATION, why: "when the retention job erased this record's personal fields" },
      },
    },
    {
      type: "ErasureRequest",
      entity: ErasureRequest,
      read: (db, subjectId) =>
        db.getRepository(ErasureRequest).find({ where: { victimId: subjectId }, order: { requestedAt: "ASC" } }),
      columns: {
        requestedBySub: { rule: STAFF, why: "the staff member who asked" },
        requestId: { omitted: "the hub's correlation id of the request: not data about the person" },
      },
    },
    {
      type: "LegalHold",
      entity: LegalHold,
      read: (db, subjectId) =>
        db.getRepository(LegalHold).find({ where: { victimId: subjectId }, order: { placedAt: "ASC", id: "ASC" } }),
      columns: {
        placedBySub: { rule: STAFF, why: "the staff member who placed the hold" },
        liftedBySub: { rule: STAFF, why: "the staff member who lifted it" },
      },
    },
  ],
};
