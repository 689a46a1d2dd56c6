/**
 * `POST /internal/subject-export`: the victims subgraph (which answers `exportSubjectData`,
 * the survivor's copy) asks every other subgraph for what it holds about one person and the
 * part of its audit trail about them. Each answerer decides itself whether the caller may have
 * the copy (its module's `subjectExport.mayExport`, which asks the victims subgraph who the
 * caller may see, with the caller's own token) and filters by its own field policy
 * (platform/subject-export.ts; subgraphs/subject-export-route.ts answers it for every subgraph).
 */
import { isUuid } from "../platform/ids";
import { InvalidQuestion } from "../platform/internal-api";
import type { SubjectPart } from "../platform/subject-export";
import { contract } from "./route";

export interface SubjectExportRequest {
  victimId: string;
}

export type SubjectExportAnswer = SubjectPart;

function subjectExportQuestion(body: unknown): SubjectExportRequest {
  const victimId: unknown = (body as { victimId?: unknown } | null)?.victimId;
  if (!isUuid(victimId)) throw new InvalidQuestion("victimId must be a case id");
  return { victimId };
}

export const SUBJECT_EXPORT = contract<SubjectExportRequest, SubjectExportAnswer>({
  path: "/internal/subject-export",
  answeredBy: "every subgraph",
  askers: ["victims"],
  parse: subjectExportQuestion,
});

export const SUBJECT_EXPORT_PATH = SUBJECT_EXPORT.path;
