/**
 * The audit routes every subgraph answers for the victims subgraph's hub-wide trail
 * (contracts/audit-trail.ts, contracts/audit-chain.ts): modules.ts adds `AUDIT_ROUTES` to
 * every module's routes. The caller's role is checked here again, whoever asked.
 */
import { AUDIT_CHAIN } from "../contracts/audit-chain";
import { AUDIT_TRAIL } from "../contracts/audit-trail";
import type { Caller } from "../platform/auth/claims";
import { readTrail, verifyChain, type AuditTrailFilter } from "../platform/audit/trail";
import { isUuid } from "../platform/ids";
import { answerRoute, InvalidQuestion, type RouteAnswer } from "../platform/internal-api";

/** Who may read which part of the trail: auditors and government all; a case owner only a case's. */
export function mayReadTrail(caller: Caller, filter: AuditTrailFilter): boolean {
  return (
    caller.role === "auditor" || caller.role === "government" || (caller.role === "ngo" && isUuid(filter.subjectId))
  );
}

export const AUDIT_ROUTES: readonly RouteAnswer[] = [
  answerRoute(AUDIT_TRAIL, async ({ caller, request, db, self }) => {
    if (!mayReadTrail(caller, request.filter))
      throw new InvalidQuestion("This caller may not read this part of the audit trail");
    return { entries: await readTrail(db, self, request) };
  }),
  answerRoute(AUDIT_CHAIN, async ({ caller, db, self }) => {
    if (caller.role !== "auditor" && caller.role !== "government")
      throw new InvalidQuestion("Only auditors and government may verify the audit chain");
    return verifyChain(db, self);
  }),
];
