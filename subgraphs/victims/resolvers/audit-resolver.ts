/**
 * The hub-wide audit trail and its check. Each subgraph keeps its own chain (its
 * writes commit with their entries); this subgraph reads its own and asks the other
 * three over the internal routes, merging pages newest first.
 */
import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import type { SubgraphContext } from "../../../shared/context";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../../shared/config";
import { ErrorCode, hubError } from "../../../shared/errors";
import { askPeer } from "../../../shared/internal-api";
import { decodeCursor, encodeCursor, pageSize } from "../../../shared/pagination";
import { AUDIT_CHAIN_PATH, AUDIT_TRAIL_PATH, readTrail, verifyChain, type AuditChainReport as ChainReport, type AuditEntryRow, type AuditPosition } from "../../../shared/audit/trail";
import { caseFor } from "../record-rules";
import { AuditChainReport, AuditEntryConnection, AuditTrailFilterInput } from "../types/audit";

const PEERS = SUBGRAPH_NAMES.filter((name): name is Exclude<SubgraphName, "victims"> => name !== "victims");

function positionOf(entry: AuditEntryRow): AuditPosition {
  return { at: entry.at, subgraph: entry.subgraph, seq: entry.seq };
}

function parsePosition(cursor: string): AuditPosition {
  const position = JSON.parse(decodeCursor(cursor)) as Partial<AuditPosition>;
  if (typeof position.at !== "string" || typeof position.subgraph !== "string" || typeof position.seq !== "string" || !/^\d+$/.test(position.seq)) {
    throw hubError(ErrorCode.BAD_USER_INPUT, "Invalid cursor: pass back a cursor the hub gave you");
  }
  return position as AuditPosition;
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
    description: "Who read or changed what, newest first, across the four subgraphs. Auditors and government see all; a case owner the trail of its own case (give filter.victimId).",
  })
  async auditTrail(
    @Ctx() context: SubgraphContext,
    @Arg("filter", () => AuditTrailFilterInput, { nullable: true }) filter?: AuditTrailFilterInput | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<AuditEntryConnection> {
    const size = pageSize(first);
    const wanted = { ...(filter ?? {}) };
    if (context.caller.role === "ngo") {
      if (!wanted.victimId) throw hubError(ErrorCode.FORBIDDEN, "A case owner reads the trail of one of its cases: give filter.victimId");
      // Same rule as a write: NOT_FOUND if you cannot see the case, FORBIDDEN if you see it but do not own it.
      await caseFor(context.db.manager, context.caller, wanted.victimId, "owner", false);
    }
    const question = { filter: wanted, first: size + 1, after: after ? parsePosition(after) : null };
    const pages = await Promise.all([
      readTrail(context.db, "victims", question),
      ...PEERS.map((peer) => askPeer<{ entries: AuditEntryRow[] }>(context, peer, AUDIT_TRAIL_PATH, question).then((answer) => answer.entries)),
    ]);
    const merged = pages.flat().sort(newerFirst);
    const page = merged.slice(0, size);
    const edges = page.map((node) => ({ cursor: encodeCursor(JSON.stringify(positionOf(node))), node }));
    return { edges, pageInfo: { hasNextPage: merged.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Query(() => [AuditChainReport], {
    nullable: true,
    description: "Recomputes every subgraph's audit chain (auditor, government) and reports, per subgraph, the first broken link if any.",
  })
  async verifyAuditChain(@Ctx() context: SubgraphContext): Promise<ChainReport[]> {
    const unchecked = (peer: string): ChainReport => ({ subgraph: peer, entries: 0, intact: false, firstBrokenSeq: null, problem: `could not be checked: the ${peer} service is unavailable` });
    return Promise.all([
      verifyChain(context.db, "victims"),
      // One subgraph being down must not hide the others' reports; it is reported as unchecked, not intact.
      ...PEERS.map((peer) => askPeer<ChainReport>(context, peer, AUDIT_CHAIN_PATH, {}).catch(() => unchecked(peer))),
    ]);
  }
}
