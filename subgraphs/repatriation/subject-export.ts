/** What the repatriation subgraph holds about a person, for the survivor's copy (platform/subject-export.ts). */
import { In } from "typeorm";
import { actsAsCaseOwner } from "../../contracts/victim-access/asking";
import { allow } from "../../platform/policy/types";
import type { SubjectExport } from "../../platform/subject-export";
import { JourneyLeg } from "./entities/journey-leg";
import { RepatriationCase } from "./entities/repatriation-case";
import { RepatriationTransition } from "./entities/repatriation-transition";

const ORGANISATION = allow(["government", "ngo"]);

/** The ids of the person's repatriation cases: legs and steps are theirs through the case. */
async function caseIdsOf(db: Parameters<SubjectExport["sources"][number]["read"]>[0], subjectId: string) {
  const cases = await db.getRepository(RepatriationCase).find({ select: { id: true }, where: { victimId: subjectId } });
  return cases.map((found) => found.id);
}

export const repatriationSubjectExport: SubjectExport = {
  mayExport: ({ asking, subjectId }) => actsAsCaseOwner(asking, subjectId),
  sources: [
    {
      type: "RepatriationCase",
      entity: RepatriationCase,
      read: (db, subjectId) =>
        db
          .getRepository(RepatriationCase)
          .find({ where: { victimId: subjectId }, order: { requestedAt: "ASC", id: "ASC" } }),
      columns: {
        victimId: { key: "the person travelling" },
        caseOwnerOrg: {
          rule: ORGANISATION,
          why: "the organisation owning the person's case when the journey was asked",
        },
        version: { rule: ORGANISATION, why: "how many times the case was changed" },
        retentionErasedAt: { rule: ORGANISATION, why: "when the retention job erased this record's personal fields" },
      },
    },
    {
      type: "JourneyLeg",
      entity: JourneyLeg,
      read: async (db, subjectId) => {
        const ids = await caseIdsOf(db, subjectId);
        return ids.length === 0
          ? []
          : db
              .getRepository(JourneyLeg)
              .find({ where: { caseId: In(ids) }, order: { caseId: "ASC", sequence: "ASC" } });
      },
      columns: { caseId: { key: "the repatriation case the leg belongs to" } },
    },
    {
      type: "RepatriationTransition",
      entity: RepatriationTransition,
      read: async (db, subjectId) => {
        const ids = await caseIdsOf(db, subjectId);
        return ids.length === 0
          ? []
          : db
              .getRepository(RepatriationTransition)
              .find({ where: { caseId: In(ids) }, order: { at: "ASC", id: "ASC" } });
      },
      columns: {
        caseId: { key: "the repatriation case the step belongs to" },
        // A staff member's user id: the rule of AuditEntry.actorSub (who at an organisation acted is its matter).
        bySub: { rule: allow(["government"]), why: "the user who made the step" },
      },
    },
  ],
};
