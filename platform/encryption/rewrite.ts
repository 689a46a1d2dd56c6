/**
 * Rewrites the encrypted columns and keyed hashes of one table in batches: a migration
 * encrypting what an older version stored in plain text, and key rotation re-encrypting
 * what an older key made (scripts/rotate-data-key.ts). Keyset-paged by the table's uuid
 * key; each batch is read FOR UPDATE and written back in one statement inside the
 * transaction `inBatch` gives it, so a write of the hub meanwhile is neither lost nor
 * overwritten. Versions and timestamps are not touched: re-encrypting changes no value.
 */
import type { EncryptedColumn, MatchingColumn } from "./column";
import { envelopeKeyId, installedDataKeyRing, matchingHashKeyId } from "./envelope";

export type Query = (sql: string, parameters?: unknown[]) => Promise<unknown>;

export interface RewriteOptions {
  /** Runs one batch in a transaction (a migration: its own transaction for every batch). */
  inBatch: <T>(work: (query: Query) => Promise<T>) => Promise<T>;
  table: string;
  /** The uuid primary key column. */
  key?: string;
  columns: readonly EncryptedColumn[];
  hashes: readonly MatchingColumn[];
  /** `plaintext`: every value is still plain text (a migration); `encrypted`: rewrite only what is not under the current keys. */
  stored: "plaintext" | "encrypted";
  batchSize?: number;
}

export interface RewriteCounts {
  rows: number;
  values: number;
  hashes: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function rewriteEncryptedRows(options: RewriteOptions): Promise<RewriteCounts> {
  const ring = installedDataKeyRing();
  const key = options.key ?? "id";
  const batchSize = options.batchSize ?? 500;
  for (const column of [...options.columns, ...options.hashes])
    if (column.table !== options.table) throw new Error(`${column.place} is not a column of ${options.table}`);
  const sources = [...new Set([...options.columns, ...options.hashes.map((hash) => hash.source)])];
  // Both key ids are always bound, so both parameters are referenced (PostgreSQL types every one).
  const stale =
    options.stored === "plaintext"
      ? "($2::text IS NOT NULL OR $3::text IS NOT NULL)"
      : [
          ...sources.map(
            (column) =>
              `(${quote(column.column)} IS NOT NULL AND split_part(${quote(column.column)}, '.', 2) <> $2::text)`,
          ),
          ...options.hashes.map(
            (hash) =>
              `(${quote(hash.source.column)} IS NOT NULL AND (${quote(hash.column)} IS NULL OR split_part(${quote(hash.column)}, '.', 1) <> $3::text))`,
          ),
        ].join(" OR ") || "($2::text IS NULL AND $3::text IS NULL)";
  const selected = [key, ...sources.map((column) => column.column), ...options.hashes.map((hash) => hash.column)];
  const written = [...options.columns.map((column) => column.column), ...options.hashes.map((hash) => hash.column)];
  const counts: RewriteCounts = { rows: 0, values: 0, hashes: 0 };
  let after: string | null = null;
  for (;;) {
    const last: string | null = await options.inBatch(async (query) => {
      const rows = (await query(
        `SELECT ${selected.map(quote).join(", ")} FROM ${quote(options.table)}
          WHERE ($1::uuid IS NULL OR ${quote(key)} > $1::uuid) AND (${stale})
          ORDER BY ${quote(key)} LIMIT ${batchSize} FOR UPDATE`,
        [after, ring.data.current, ring.matching.current],
      )) as Array<Record<string, string | null>>;
      if (rows.length === 0) return null;
      const updates = rows.map((row) => {
        const plain = new Map<EncryptedColumn, string | null>();
        for (const column of sources) {
          const stored = row[column.column];
          plain.set(column, stored === null || options.stored === "plaintext" ? stored : column.decrypt(stored));
        }
        const update: Record<string, string | null> = { k: row[key] };
        for (const column of options.columns) {
          const stored = row[column.column];
          const current =
            stored !== null && options.stored === "encrypted" && envelopeKeyId(stored) === ring.data.current;
          update[column.column] = current ? stored : column.encryptNullable(plain.get(column));
          if (!current && stored !== null) counts.values += 1;
        }
        for (const hash of options.hashes) {
          const stored = row[hash.column];
          const value = plain.get(hash.source) ?? null;
          const current =
            stored !== null && matchingHashKeyId(stored) === ring.matching.current && options.stored === "encrypted";
          update[hash.column] = current ? stored : hash.hashNullable(value);
          if (!current && value !== null) counts.hashes += 1;
        }
        return update;
      });
      await query(
        `UPDATE ${quote(options.table)} AS t SET ${written.map((column) => `${quote(column)} = j.${quote(column)}`).join(", ")}
           FROM json_to_recordset($1::json) AS j(k uuid, ${written.map((column) => `${quote(column)} text`).join(", ")})
          WHERE t.${quote(key)} = j.k`,
        [JSON.stringify(updates)],
      );
      counts.rows += rows.length;
      return rows[rows.length - 1][key];
    });
    if (last === null) return counts;
    after = last;
  }
}

/** How many stored values and hashes of `table` were made with `keyId` (retiring a key needs 0). */
export async function countUnderKey(
  query: Query,
  table: string,
  columns: readonly EncryptedColumn[],
  hashes: readonly MatchingColumn[],
  which: "data" | "matching",
  keyId: string,
): Promise<number> {
  const tests =
    which === "data"
      ? columns.map((column) => `count(*) FILTER (WHERE split_part(${quote(column.column)}, '.', 2) = $1)`)
      : hashes.map((hash) => `count(*) FILTER (WHERE split_part(${quote(hash.column)}, '.', 1) = $1)`);
  if (tests.length === 0) return 0;
  const [row] = (await query(`SELECT ${tests.map((test) => `${test}`).join(" + ")} AS n FROM ${quote(table)}`, [
    keyId,
  ])) as Array<{ n: string | number }>;
  return Number(row.n);
}
