/** What the shelters subgraph holds about a person, for the survivor's copy (platform/subject-export.ts). */
import { actsAsCaseOwner } from "../../contracts/victim-access/asking";
import { allow } from "../../platform/policy/types";
import type { SubjectExport } from "../../platform/subject-export";
import { Placement } from "./entities/placement";

export const sheltersSubjectExport: SubjectExport = {
  mayExport: ({ asking, subjectId }) => actsAsCaseOwner(asking, subjectId),
  sources: [
    {
      type: "Placement",
      entity: Placement,
      read: (db, subjectId) =>
        db.getRepository(Placement).find({ where: { victimId: subjectId }, order: { placedAt: "ASC", id: "ASC" } }),
      columns: {
        victimId: { key: "the person the stay is of" },
        shelterId: { sameAs: "shelter" },
        placedByOrg: { rule: allow(["government", "ngo"]), why: "the organisation that placed the person" },
        endedByOrg: { rule: allow(["government", "ngo"]), why: "the organisation that ended the stay" },
        retentionErasedAt: {
          rule: allow(["government", "ngo"]),
          why: "when the retention job erased this record's personal fields",
        },
      },
    },
  ],
};
