/**
 * Oversight (README.md in this folder): fenced from case code, which it reaches only through
 * ../entities/victim, ../record-rules and ../../policies.
 *
 * The hub-wide audit trail and its check. Each subgraph keeps its own chain (its
 * writes commit with their entries); this subgraph reads its own and asks the other
 * three over the internal routes, merging pages newest first.
 */
import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { AUDIT_CHAIN } from "../../../contracts/audit-chain";
import { AUDIT_TRAIL } from "../../../contracts/audit-trail";
import type { SubgraphContext } from "../../../platform/context";
import { ErrorCode, hubError } from "../../../platform/errors";
import { ask } from "../../../platform/internal-api";
import { decodeCursor, encodeCursor, pageSize } from "../../../platform/pagination";
import {
  readTrail,
  verifyChain,
  type AuditChainReport as ChainReport,
  type AuditEntryRow,
  type AuditPosition,
} from "../../../platform/audit/trail";
import { isUuid } from "../../../platform/ids";
import { Victim } from "../entities/victim";
import { enforce } from "../policy";
import { caseFor, whereVisible } from "../record-rules";
import { AuditChainReport, AuditEntryConnection, AuditTrailFilterInput } from "./types/audit";

/** Every subgraph keeps a trail; this one reads its own and asks the others. */
const SUBGRAPH_NAMES = AUDIT_TRAIL.answeredBy;
const PEERS = SUBGRAPH_NAMES.filter((name) => name !== "victims");

function positionOf(entry: AuditEntryRow): AuditPosition {
  return { at: entry.at, subgraph: entry.subgraph, seq: entry.seq };
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;
/** The form `at` takes in the hub's cursors (see trail.ts). */
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A real calendar date-time in ISO 8601 (no 30 February), as PostgreSQL's timestamptz will take it. */
export function isDateTime(value: unknown): value is string {
  const match = typeof value === "string" ? DATE_TIME.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function invalidCursor(): Error {
  return hubError(ErrorCode.BAD_USER_INPUT, "Invalid cursor: pass back a cursor the hub gave you", {
    rowErrors: [{ field: "after", reason: "after must be a cursor the hub gave you" }],
  });
}

/** A cursor is checked whole here, before any subgraph is asked: nothing malformed reaches SQL. */
function parsePosition(cursor: string): AuditPosition {
  let position: Partial<AuditPosition>;
  try {
    position = JSON.parse(decodeCursor(cursor)) as Partial<AuditPosition>;
  } catch {
    throw invalidCursor();
  }
  if (
    !position ||
    typeof position !== "object" ||
    typeof position.at !== "string" ||
    !CURSOR_AT.test(position.at) ||
    !isDateTime(position.at) ||
    typeof position.subgraph !== "string" ||
    !(SUBGRAPH_NAMES as readonly string[]).includes(position.subgraph) ||
    typeof position.seq !== "string" ||
    !/^\d{1,18}$/.test(position.seq)
  ) {
    throw invalidCursor();
  }
  return { at: position.at, subgraph: position.subgraph, seq: position.seq };
}

/** BAD_USER_INPUT for a filter PostgreSQL could not take, decided before anyone is asked. */
function checkFilter(filter: AuditTrailFilterInput): void {
  const bad = (field: string, reason: string) =>
    hubError(ErrorCode.BAD_USER_INPUT, `Invalid input: filter.${field} ${reason}`, {
      rowErrors: [{ field: `filter.${field}`, reason: `filter.${field} ${reason}` }],
    });
  if (filter.victimId !== undefined && filter.victimId !== null && !isUuid(filter.victimId))
    throw bad("victimId", "must be a case id");
  for (const field of ["from", "to"] as const) {
    const value = filter[field];
    if (value !== undefined && value !== null && !isDateTime(value))
      throw bad(field, "must be an ISO 8601 date-time, e.g. 2026-11-20T08:00:00Z");
  }
}

/** Readers who see every id in the trail: government sees every case, the auditor oversees every access (ids, never values). */
function readsEveryId(role: string): boolean {
  return role === "government" || role === "auditor";
}

/**
 * What an entry may show this reader: the ids of people it may see (the same record rule
 * as every read, one statement for the whole page), the others withheld — counted only
 * when 0 or at least 5, so a small group is not revealed.
 */
async function forReader(
  context: SubgraphContext,
  entries: AuditEntryRow[],
): Promise<Array<AuditEntryRow & { victimIds: string[]; withheldVictimIds: number | null }>> {
  if (readsEveryId(context.caller.role))
    return entries.map((entry) => ({ ...entry, victimIds: entry.subjectIds, withheldVictimIds: 0 }));
  const ids = [...new Set(entries.flatMap((entry) => entry.subjectIds))].filter(isUuid);
  const visible = new Set<string>();
  if (ids.length > 0) {
    const rows = await whereVisible(
      context.db.getRepository(Victim).createQueryBuilder("v").select("v.id", "id").where("v.id IN (:...ids)", { ids }),
      context.caller,
    ).getRawMany<{ id: string }>();
    for (const row of rows) visible.add(row.id);
  }
  return entries.map((entry) => {
    const shown = entry.subjectIds.filter((id) =>
      enforce.holds(context, "AuditEntry.victimIds", "Victim", { visibleToCaller: visible.has(id) }),
    );
    // Published or not by the field's condition, which the platform runs (victims/conditions.ts).
    return { ...entry, victimIds: shown, withheldVictimIds: entry.subjectIds.length - shown.length };
  });
}

/** Newest first: time, then subgraph name, then sequence (the order every subgraph pages in). */
function newerFirst(a: AuditEntryRow, b: AuditEntryRow): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.subgraph !== b.subgraph) return a.subgraph < b.subgraph ? 1 : -1;
  return BigInt(a.seq) < BigInt(b.seq) ? 1 : -1;
}

@Resolver()
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    nullable: true,
    description:
      "Who read or changed what, newest first, across the four subgraphs. Auditors and government see all; a case owner the trail of its own case (give filter.victimId).",
  })
  async auditTrail(
    @Ctx() context: SubgraphContext,
    @Arg("filter", () => AuditTrailFilterInput, { nullable: true }) filter?: AuditTrailFilterInput | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<AuditEntryConnection> {
    const size = pageSize(first);
    const wanted = { ...(filter ?? {}) };
    checkFilter(wanted);
    const position = after ? parsePosition(after) : null;
    if (context.caller.role === "ngo") {
      // Same rule as a write: NOT_FOUND if you cannot see the case, then the condition (FORBIDDEN if you do not own it).
      const named = wanted.victimId ? await caseFor(context.db.manager, context.caller, wanted.victimId, false) : null;
      enforce(context, "Query.auditTrail", "Victim", named);
    }
    // The platform's trail knows subjects, not victims: the person a case is about is its subject.
    const { victimId, ...rest } = wanted;
    const question = { filter: { ...rest, subjectId: victimId }, first: size + 1, after: position };
    const pages = await Promise.all([
      readTrail(context.db, "victims", question),
      ...PEERS.map((peer) => ask(context, AUDIT_TRAIL, question, peer).then((answer) => answer.entries)),
    ]);
    const merged = pages.flat().sort(newerFirst);
    // Entries from every subgraph pass here, merged, before anything reaches the reader.
    const page = await forReader(context, merged.slice(0, size));
    const edges = page.map((node) => ({ cursor: encodeCursor(JSON.stringify(positionOf(node))), node }));
    return { edges, pageInfo: { hasNextPage: merged.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Query(() => [AuditChainReport], {
    nullable: true,
    description:
      "Recomputes every subgraph's audit chain (auditor, government) and reports, per subgraph, the first broken link if any.",
  })
  async verifyAuditChain(@Ctx() context: SubgraphContext): Promise<ChainReport[]> {
    const unchecked = (peer: string): ChainReport => ({
      subgraph: peer,
      entries: 0,
      intact: false,
      firstBrokenSeq: null,
      problem: `could not be checked: the ${peer} service is unavailable`,
    });
    return Promise.all([
      verifyChain(context.db, "victims"),
      // One subgraph being down must not hide the others' reports; it is reported as unchecked, not intact.
      ...PEERS.map((peer) => ask(context, AUDIT_CHAIN, {}, peer).catch(() => unchecked(peer))),
    ]);
  }
}
