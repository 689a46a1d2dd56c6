/**
 * The one mechanism by which encrypted columns are read and written: a TypeORM column
 * transformer, so entities hold plain text and the table only envelopes (envelope.ts).
 * Raw SQL that touches such a column calls `encryptedColumn(...).encrypt/decrypt` of the
 * same declaration, never envelope.ts with a place spelt again. Every declaration is also
 * registered, so key rotation (scripts/rotate-data-key.ts) finds every encrypted column
 * and keyed hash of a subgraph's tables without a list of its own.
 */
import type { ValueTransformer } from "typeorm";
import { decryptValue, encryptValue, matchingHash, matchingHashes, type ValuePlace } from "./envelope";

export interface EncryptedColumn {
  readonly table: string;
  readonly column: string;
  readonly place: ValuePlace;
  /** For `@Column({ transformer })`: plain text in the entity, an envelope in the table; null stays null. */
  readonly transformer: ValueTransformer;
  encrypt(plaintext: string): string;
  decrypt(envelope: string): string;
  encryptNullable(plaintext: string | null | undefined): string | null;
  decryptNullable(envelope: string | null | undefined): string | null;
}

export interface MatchingColumn {
  readonly table: string;
  /** The column holding the keyed hash. */
  readonly column: string;
  /** The encrypted column it is the hash of (rotation recomputes it from there). */
  readonly source: EncryptedColumn;
  readonly place: ValuePlace;
  /** The hash to store for `value` (current matching key). */
  hash(value: string): string;
  hashNullable(value: string | null | undefined): string | null;
  /** Every hash `value` may be stored under while matching keys rotate: look up with `= ANY(...)`. */
  candidates(value: string): string[];
}

const encryptedColumns = new Map<ValuePlace, EncryptedColumn>();
const matchingColumns = new Map<ValuePlace, MatchingColumn>();

/** Declares (once; again returns the same) the encrypted column `table.column`. */
export function encryptedColumn(table: string, column: string): EncryptedColumn {
  const place: ValuePlace = `${table}.${column}`;
  const known = encryptedColumns.get(place);
  if (known) return known;
  const encrypt = (plaintext: string) => encryptValue(place, plaintext);
  const decrypt = (envelope: string) => decryptValue(place, envelope);
  const encryptNullable = (plaintext: string | null | undefined) =>
    plaintext === null || plaintext === undefined ? null : encrypt(plaintext);
  const decryptNullable = (envelope: string | null | undefined) =>
    envelope === null || envelope === undefined ? null : decrypt(envelope);
  const declared: EncryptedColumn = {
    table,
    column,
    place,
    encrypt,
    decrypt,
    encryptNullable,
    decryptNullable,
    transformer: {
      // TypeORM also passes FindOperators through `to` (a where on the column): those cannot be encrypted to match.
      to: (value: unknown) => {
        if (value === null || value === undefined) return value;
        if (typeof value !== "string")
          throw new Error(`${place} is encrypted: it can be written as text only, and never searched by value`);
        return encrypt(value);
      },
      from: (value: unknown) => (value === null || value === undefined ? null : decrypt(String(value))),
    },
  };
  encryptedColumns.set(place, declared);
  return declared;
}

/** Declares the keyed-hash column `table.column` of `source`'s values. */
export function matchingColumn(table: string, column: string, source: EncryptedColumn): MatchingColumn {
  const place: ValuePlace = `${table}.${column}`;
  const known = matchingColumns.get(place);
  if (known) return known;
  // The source's place goes into the hash: the same number in two columns hashes differently.
  const hash = (value: string) => matchingHash(source.place, value);
  const declared: MatchingColumn = {
    table,
    column,
    source,
    place,
    hash,
    hashNullable: (value) => (value === null || value === undefined ? null : hash(value)),
    candidates: (value) => matchingHashes(source.place, value),
  };
  matchingColumns.set(place, declared);
  return declared;
}

/** Every encrypted column declared in this process (rotation). */
export function declaredEncryptedColumns(): EncryptedColumn[] {
  return [...encryptedColumns.values()];
}

/** Every keyed-hash column declared in this process (rotation). */
export function declaredMatchingColumns(): MatchingColumn[] {
  return [...matchingColumns.values()];
}
