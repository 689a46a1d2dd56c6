/**
 * The survivor's copy route every subgraph answers (contracts/subject-export.ts), made from
 * the module's own `subjectExport` and policy: modules.ts adds it to every module's routes,
 * and refuses a module that does not declare what it holds about a person. The caller's right
 * is decided here again by the answering subgraph (`mayExport`), whoever asked; a caller who may
 * not have the copy is refused exactly as for a person who does not exist.
 */
import { SUBJECT_EXPORT } from "../contracts/subject-export";
import { appendAuditEntries, RequestAudit } from "../platform/audit/audit-log";
import { answerRoute, InvalidQuestion, type RouteAnswer } from "../platform/internal-api";
import type { SubgraphModule } from "../platform/subgraph-server";
import { checkSubjectExport, readSubjectHistory, readSubjectRecords } from "../platform/subject-export";

/** The audit's action for a copy, in every subgraph's trail: the name of the query that made it. */
export const SUBJECT_EXPORT_ACTION = "exportSubjectData";

export function subjectExportRoute(module: Pick<SubgraphModule, "name" | "policy" | "subjectExport">): RouteAnswer {
  const { subjectExport, policy } = module;
  if (!subjectExport)
    throw new Error(
      `subgraphs/${module.name}/module.ts must declare subjectExport: what it holds about a person (sources: [] if nothing)`,
    );
  // At start-up: a column of a declared entity that nothing decides stops the subgraph, not a copy.
  checkSubjectExport(policy, subjectExport);
  return answerRoute(SUBJECT_EXPORT, async ({ caller, request, db, self, asking }) => {
    const question = { caller, db, subjectId: request.victimId, asking };
    if (!(await subjectExport.mayExport(question))) throw new InvalidQuestion("No such case for this caller");
    const records = await readSubjectRecords(policy, subjectExport, question);
    const history = await readSubjectHistory(db, self, request.victimId);
    // The copy is a read of everything exported: in this subgraph's own trail, before the answer leaves.
    const audit = new RequestAudit(caller, asking.requestId);
    audit.operation = SUBJECT_EXPORT_ACTION;
    await appendAuditEntries(db, [
      audit.entry("READ", SUBJECT_EXPORT_ACTION, "ALLOWED", [request.victimId], records.exportedFields),
    ]);
    return { subgraph: self, ...records, history };
  });
}
