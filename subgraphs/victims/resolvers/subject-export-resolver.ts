/**
 * `exportSubjectData`: the survivor's copy (docs/data-lifecycle.md, "The survivor's copy").
 * Everything the hub holds about one person, as one versioned JSON document: this
 * subgraph's records and every other subgraph's (each answering
 * contracts/subject-export.ts itself, after checking the caller's right with the victims
 * subgraph and filtering by its own field policy), and who read or changed them when, from
 * every subgraph's audit trail. A case the caller may not see is NOT_FOUND, as a missing one,
 * before anyone else is asked; a case it sees but does not own is FORBIDDEN (the policy's
 * condition). A subgraph that cannot answer fails the copy: a copy is complete or not given.
 */
import { GraphQLJSONObject } from "graphql-scalars";
import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { SUBJECT_EXPORT } from "../../../contracts/subject-export";
import { ask } from "../../../platform/internal-api";
import { mayRead } from "../../../platform/policy/types";
import {
  MAX_HISTORY_ENTRIES,
  readSubjectHistory,
  readSubjectRecords,
  type HistoryEntry,
  type SubjectPart,
} from "../../../platform/subject-export";
import { SUBJECT_EXPORT_ACTION } from "../../subject-export-route";
import { enforce, victimsPolicy } from "../policy";
import { caseFor } from "../record-rules";
import { victimsSubjectExport } from "../subject-export";
import type { VictimsContext } from "../victim-access";

/** The document's format and version: a consumer reads `format` and `version` before anything else. */
export const SUBJECT_EXPORT_FORMAT = "survivor-hub/subject-export";
export const SUBJECT_EXPORT_VERSION = 1;

const PEERS = SUBJECT_EXPORT.answeredBy.filter((name) => name !== "victims");

/** Newest first: time, then subgraph name, then sequence (the hub-wide trail's order). */
function newerFirst(a: HistoryEntry, b: HistoryEntry): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.subgraph !== b.subgraph) return a.subgraph < b.subgraph ? 1 : -1;
  return BigInt(a.seq) < BigInt(b.seq) ? 1 : -1;
}

@Resolver()
export class SubjectExportResolver {
  @Query(() => GraphQLJSONObject, {
    nullable: true,
    description:
      "The survivor's copy (case owner, government): everything the hub holds about one person across the subgraphs, as the caller may read it (fields it may not read are named under withheldFields), and who read or changed the record when (newest 500 entries). Versioned JSON: see docs/data-lifecycle.md.",
  })
  async exportSubjectData(
    @Ctx() context: VictimsContext,
    @Arg("victimId", () => ID) victimId: string,
  ): Promise<Record<string, unknown>> {
    const { caller, db } = context;
    try {
      // The record rule first (NOT_FOUND, as if absent), then the condition (FORBIDDEN unless the owner).
      const victim = await caseFor(db.manager, caller, victimId, false);
      enforce(context, "Query.exportSubjectData", "Victim", victim);
    } catch (error) {
      context.audit.noteRead("DENIED", SUBJECT_EXPORT_ACTION, victimId, undefined);
      throw error;
    }
    const question = { caller, db, subjectId: victimId };
    const own = async (): Promise<SubjectPart> => ({
      subgraph: "victims",
      ...(await readSubjectRecords(victimsPolicy, victimsSubjectExport, question)),
      history: await readSubjectHistory(db, "victims", victimId),
    });
    const parts = await Promise.all([own(), ...PEERS.map((peer) => ask(context, SUBJECT_EXPORT, { victimId }, peer))]);
    // This subgraph's part of the copy is audited with the request (the others audit theirs as they answer).
    for (const field of parts[0].exportedFields)
      context.audit.noteRead("ALLOWED", SUBJECT_EXPORT_ACTION, victimId, field);
    return assemble(context, victimId, parts);
  }
}

function assemble(context: VictimsContext, victimId: string, parts: SubjectPart[]): Record<string, unknown> {
  // Who at another organisation looked is that organisation's matter: the AuditEntry policy's rule for actorSub.
  const showsActor = mayRead(victimsPolicy, "AuditEntry", "actorSub", context.caller.role);
  const merged = parts.flatMap((part) => part.history).sort(newerFirst);
  const history = merged
    .slice(0, MAX_HISTORY_ENTRIES)
    .map(({ actorSub, ...entry }) => (showsActor ? { ...entry, actorSub } : entry));
  const withheld = parts.flatMap((part) => part.withheld.map((field) => ({ subgraph: part.subgraph, ...field })));
  return {
    format: SUBJECT_EXPORT_FORMAT,
    version: SUBJECT_EXPORT_VERSION,
    subjectId: victimId,
    exportedAt: new Date().toISOString(),
    exportedBy: { org: context.caller.org, role: context.caller.role },
    records: Object.fromEntries(parts.map((part) => [part.subgraph, part.records])),
    withheldFields: withheld,
    withheldNote:
      withheld.length === 0
        ? null
        : "The hub holds these fields, but the organisation that made this copy may not read them; readableBy says who may. Government reads every field of a case (but the user ids of other organisations' staff) and can give a copy with them.",
    omittedFields: parts.flatMap((part) => part.omitted.map((field) => ({ subgraph: part.subgraph, ...field }))),
    accessHistory: {
      entries: history,
      limit: MAX_HISTORY_ENTRIES,
      complete: merged.length <= MAX_HISTORY_ENTRIES,
      note: "Newest first, from every subgraph's audit trail; older entries: auditTrail(filter: { victimId }).",
    },
  };
}
