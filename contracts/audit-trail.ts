/**
 * `POST /internal/audit-trail`: the victims subgraph (which answers the hub-wide
 * `auditTrail`) asks every subgraph for a page of its own trail. The answerer checks the
 * caller's role again (subgraphs/audit-routes.ts); entries hold ids and field names, never values.
 */
import { InvalidQuestion } from "../platform/internal-api";
import {
  MAX_AUDIT_PAGE,
  type AuditEntryRow,
  type AuditPosition,
  type AuditTrailFilter,
  type TrailQuestion,
} from "../platform/audit/trail";
import { contract } from "./route";

export interface AuditTrailAnswer {
  entries: AuditEntryRow[];
}

function trailQuestion(body: unknown): TrailQuestion {
  const raw = (body ?? {}) as { filter?: AuditTrailFilter; first?: unknown; after?: AuditPosition | null };
  const first = Number(raw.first);
  if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE + 1)
    throw new InvalidQuestion(`first must be 1 to ${MAX_AUDIT_PAGE + 1}`);
  return { filter: raw.filter ?? {}, first, after: raw.after ?? null };
}

export const AUDIT_TRAIL = contract<TrailQuestion, AuditTrailAnswer>({
  path: "/internal/audit-trail",
  answeredBy: "every subgraph",
  askers: ["victims"],
  parse: trailQuestion,
});

export const AUDIT_TRAIL_PATH = AUDIT_TRAIL.path;
