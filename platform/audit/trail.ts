/**
 * Reading and checking one subgraph's audit trail (its `audit_entry` table). The hub's
 * oversight answers the hub-wide trail and chain check from every subgraph's, over the
 * routes of contracts/audit-trail.ts and contracts/audit-chain.ts.
 */
import type { DataSource } from "typeorm";

export const MAX_AUDIT_PAGE = 100;

export interface AuditTrailFilter {
  /** Entries about this subject (stored in the `victim_ids` column: a stored name, see migration.ts). */
  subjectId?: string | null;
  actorOrg?: string | null;
  /** ISO 8601 date-times. */
  from?: string | null;
  to?: string | null;
  /** Matches the field that did it (a mutation, a query) or the client's operation name. */
  operation?: string | null;
}

/** Position in the hub-wide trail, newest first: time, then subgraph, then sequence. */
export interface AuditPosition {
  at: string;
  subgraph: string;
  seq: string;
}

export interface AuditEntryRow {
  subgraph: string;
  seq: string;
  at: string;
  actorSub: string;
  actorOrg: string;
  actorRole: string;
  kind: string;
  action: string;
  operation: string;
  requestId: string;
  outcome: string;
  subjectIds: string[];
  fields: string[];
  hash: string;
}

export interface AuditChainReport {
  subgraph: string;
  entries: number;
  intact: boolean;
  /** The first entry whose hash or link does not match, if any. */
  firstBrokenSeq: string | null;
  problem: string | null;
}

/** A page of the trail: what `readTrail` reads, what the audit-trail route is asked. */
export interface TrailQuestion {
  filter: AuditTrailFilter;
  first: number;
  after: AuditPosition | null;
}

const AT_TEXT = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** One subgraph's entries, newest first, after `after` in the hub-wide order. */
export async function readTrail(db: DataSource, subgraph: string, question: TrailQuestion): Promise<AuditEntryRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const { filter, after } = question;
  if (filter.subjectId) where.push(`victim_ids @> ARRAY[${param(filter.subjectId)}]::uuid[]`);
  if (filter.actorOrg) where.push(`actor_org = ${param(filter.actorOrg)}`);
  if (filter.from) where.push(`at >= ${param(filter.from)}::timestamptz`);
  if (filter.to) where.push(`at < ${param(filter.to)}::timestamptz`);
  if (filter.operation) where.push(`(action = ${param(filter.operation)} OR operation = $${params.length})`);
  if (after) {
    // (at, subgraph, seq) < after, with this subgraph's name a constant.
    const at = param(after.at);
    if (subgraph < after.subgraph) where.push(`at <= ${at}::timestamptz`);
    else if (subgraph === after.subgraph) where.push(`(at, seq) < (${at}::timestamptz, ${param(after.seq)}::bigint)`);
    else where.push(`at < ${at}::timestamptz`);
  }
  const rows: Array<Omit<AuditEntryRow, "subgraph">> = await db.query(
    `SELECT seq::text AS seq, ${AT_TEXT} AS at, actor_sub AS "actorSub", actor_org AS "actorOrg", actor_role AS "actorRole", kind, action, operation,
            request_id AS "requestId", outcome, victim_ids::text[] AS "subjectIds", fields, hash
       FROM audit_entry ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY at DESC, seq DESC LIMIT ${param(question.first)}`,
    params,
  );
  return rows.map((row) => ({ ...row, subgraph }));
}

/** Recomputes every hash of this subgraph's chain and checks every link and the head, in one statement. */
export async function verifyChain(db: DataSource, subgraph: string): Promise<AuditChainReport> {
  const [result]: Array<{ entries: string; broken_seq: string | null; problem: string | null }> = await db.query(`
    WITH chain AS (
      SELECT seq, hash, prev_hash,
             audit_entry_digest(prev_hash, seq, at, actor_sub, actor_org, actor_role, kind, action, operation, request_id, outcome, victim_ids, fields) AS recomputed,
             lag(hash, 1, repeat('0', 64)) OVER (ORDER BY seq) AS previous_hash,
             row_number() OVER (ORDER BY seq) AS position
        FROM audit_entry
    ), broken AS (
      SELECT seq, CASE WHEN seq <> position THEN 'an entry is missing before this one'
                       WHEN prev_hash <> previous_hash THEN 'its link to the previous entry does not match'
                       ELSE 'its content does not match its hash' END AS problem
        FROM chain WHERE recomputed <> hash OR prev_hash <> previous_hash OR seq <> position
       ORDER BY seq LIMIT 1
    ), head AS (
      SELECT h.seq, h.hash, (SELECT max(seq) FROM audit_entry) AS last_seq, (SELECT hash FROM audit_entry ORDER BY seq DESC LIMIT 1) AS last_hash
        FROM audit_chain_head h WHERE id = 1
    )
    SELECT (SELECT count(*) FROM audit_entry)::text AS entries,
           COALESCE((SELECT seq::text FROM broken), CASE WHEN head.seq <> COALESCE(head.last_seq, 0) OR head.hash <> COALESCE(head.last_hash, repeat('0', 64)) THEN head.seq::text END) AS broken_seq,
           COALESCE((SELECT problem FROM broken), CASE WHEN head.seq <> COALESCE(head.last_seq, 0) OR head.hash <> COALESCE(head.last_hash, repeat('0', 64)) THEN 'the newest entries are missing or the chain head was changed' END) AS problem
      FROM head`);
  return {
    subgraph,
    entries: Number(result.entries),
    intact: result.broken_seq === null,
    firstBrokenSeq: result.broken_seq,
    problem: result.problem,
  };
}
