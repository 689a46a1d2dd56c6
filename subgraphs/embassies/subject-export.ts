/** What the embassies subgraph holds about a person, for the survivor's copy (platform/subject-export.ts). */
import { actsAsCaseOwner } from "../../contracts/victim-access/asking";
import { allow } from "../../platform/policy/types";
import type { SubjectExport } from "../../platform/subject-export";
import { NationalityVerification } from "./entities/nationality-verification";
import { TravelDocument } from "./entities/travel-document";

const ORGANISATION = allow(["government", "ngo"]);

export const embassiesSubjectExport: SubjectExport = {
  mayExport: ({ asking, subjectId }) => actsAsCaseOwner(asking, subjectId),
  sources: [
    {
      type: "NationalityVerification",
      entity: NationalityVerification,
      read: (db, subjectId) =>
        db
          .getRepository(NationalityVerification)
          .find({ where: { victimId: subjectId }, order: { requestedAt: "ASC", id: "ASC" } }),
      columns: {
        victimId: { key: "the person to verify" },
        requestedByOrg: { rule: ORGANISATION, why: "the organisation that asked for the verification" },
        decidedByOrg: { rule: ORGANISATION, why: "the embassy that decided" },
      },
    },
    {
      type: "TravelDocument",
      entity: TravelDocument,
      read: (db, subjectId) =>
        db
          .getRepository(TravelDocument)
          .find({ where: { victimId: subjectId }, order: { issuedOn: "ASC", id: "ASC" } }),
      columns: {
        victimId: { key: "the holder" },
        numberHash: {
          omitted: "a keyed hash of the number, for uniqueness per country: the number itself is in the copy",
        },
        issuedByOrg: { rule: ORGANISATION, why: "the embassy that issued it" },
        revokedAt: { rule: ORGANISATION, why: "when it was revoked" },
        revokedByOrg: { rule: ORGANISATION, why: "the embassy that revoked it" },
        retentionErasedAt: { rule: ORGANISATION, why: "when the retention job erased this record's personal fields" },
      },
    },
  ],
};
