/**
 * Key rotation (scripts/rotate-data-key.ts is its command): adds, promotes or retires keys
 * of the ring in the key file, and re-encrypts / re-hashes every stored value not under the
 * current keys, on each database it is given. Databases are given by the caller (the
 * command opens each subgraph's under its lock), so the platform knows no subgraph.
 */
import { declaredEncryptedColumns, declaredMatchingColumns } from "./column";
import { installDataKeyRing } from "./envelope";
import {
  devDataKeyFile,
  loadDataKeyRing,
  withNewKey,
  withoutKey,
  writeDataKeyRing,
  type DataKeyRing,
} from "./key-ring";
import { countUnderKey, rewriteEncryptedRows, type Query } from "./rewrite";

export interface RotationOptions {
  mode: "rotate" | "stage" | "promote" | "reencrypt" | "retire";
  /** The key to promote or retire. */
  keyId?: string;
  /** Also a new matching key (rotate, promote): every keyed hash is recomputed. */
  matching: boolean;
  batchSize: number;
}

export interface RotationTarget {
  /** For the report: the subgraph's name. */
  name: string;
  /** The tables of its entities (only those with encrypted columns are touched). */
  tables: readonly string[];
  query: Query;
  transaction: <T>(work: (query: Query) => Promise<T>) => Promise<T>;
}

export interface RotationReport {
  lines: string[];
  ring: DataKeyRing;
}

function columnsOf(table: string) {
  return {
    columns: declaredEncryptedColumns().filter((column) => column.table === table),
    hashes: declaredMatchingColumns().filter((hash) => hash.table === table),
  };
}

/** Reads the key file, changes it as `options` say, and rewrites what needs it on every target. */
export async function rotateDataKeys(
  options: RotationOptions,
  keySettings: { file?: string; devKeyDir: string },
  targets: readonly RotationTarget[],
): Promise<RotationReport> {
  const lines: string[] = [];
  let ring = loadDataKeyRing(keySettings);
  const keyFile = { file: keySettings.file ?? devDataKeyFile(keySettings.devKeyDir) };

  if (options.mode === "retire") {
    const keyId = options.keyId!;
    const which = ring.data.keys.has(keyId) ? "data" : ring.matching.keys.has(keyId) ? "matching" : undefined;
    if (!which) throw new Error(`the key file has no key "${keyId}"`);
    const retired = withoutKey(ring, which, keyId);
    let inUse = 0;
    for (const target of targets)
      for (const table of target.tables) {
        const { columns, hashes } = columnsOf(table);
        const count = await countUnderKey(target.query, table, columns, hashes, which, keyId);
        if (count > 0) lines.push(`${target.name}.${table}: ${count} stored values still use ${which} key "${keyId}"`);
        inUse += count;
      }
    if (inUse > 0)
      throw new Error(`${which} key "${keyId}" is still in use (${inUse} values); run with --reencrypt first`);
    writeDataKeyRing(keyFile.file, retired);
    installDataKeyRing(retired);
    lines.push(`${which} key "${keyId}" retired`);
    return { lines, ring: retired };
  }

  if (options.mode === "rotate" || options.mode === "stage") {
    const previous = ring.data.current;
    const added = withNewKey(ring, "data");
    ring = options.mode === "stage" ? { ...added.ring, data: { ...added.ring.data, current: previous } } : added.ring;
    lines.push(`data key "${added.keyId}" added${options.mode === "stage" ? " (staged, not current)" : ", current"}`);
  }
  if (options.mode === "promote") {
    if (!ring.data.keys.has(options.keyId!)) throw new Error(`the key file has no data key "${options.keyId}"`);
    ring = { ...ring, data: { ...ring.data, current: options.keyId! } };
    lines.push(`data key "${options.keyId}" is current`);
  }
  if (options.matching && options.mode !== "stage" && options.mode !== "reencrypt") {
    const added = withNewKey(ring, "matching");
    ring = added.ring;
    lines.push(`matching key "${added.keyId}" added, current`);
  }
  // The file first: a run stopped half-way leaves values under keys the file still holds (--reencrypt finishes it).
  if (options.mode !== "reencrypt") writeDataKeyRing(keyFile.file, ring);
  installDataKeyRing(ring);
  if (options.mode === "stage") return { lines, ring };

  for (const target of targets)
    for (const table of target.tables) {
      const { columns, hashes } = columnsOf(table);
      if (columns.length === 0 && hashes.length === 0) continue;
      const counts = await rewriteEncryptedRows({
        inBatch: target.transaction,
        table,
        columns,
        hashes,
        stored: "encrypted",
        batchSize: options.batchSize,
      });
      lines.push(
        `${target.name}.${table}: ${counts.values} values re-encrypted, ${counts.hashes} hashes recomputed, in ${counts.rows} rows`,
      );
    }
  return { lines, ring };
}
