/**
 * Relay-style cursor pagination (forward), the same on every list: stable ordering on a
 * unique indexed key, `first` capped, keyset conditions instead of OFFSET so a page
 * costs the same on page 1 and page 1,000. `totalCount` runs its COUNT only when asked.
 */
import { Directive, Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { Role } from "./auth/claims";
import { ErrorCode, hubError } from "./errors";
import { isUuid } from "./ids";
import { ALL_ROLES, allow, sameRule, type SubgraphPolicy } from "./policy/types";

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./page-size";

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

@ObjectType({ description: "Where a page ends and whether another follows." })
@Directive("@shareable")
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  countTotal: () => Promise<number>;
}

/** Declares `<Name>Connection` and `<Name>Edge` GraphQL types for a node type. */
export function connectionType<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field({ description: "Opaque cursor: pass it as `after` to read on from here." })
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} records.` })
  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType])
    edges!: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    countTotal!: () => Promise<number>;

    @Field(() => Int, { description: "How many records match, across all pages." })
    totalCount(): Promise<number> {
      return this.countTotal();
    }
  }
  return { ConnectionType, EdgeType };
}

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify([key]), "utf8").toString("base64url");
}

/** What a list's key column holds: a cursor naming anything else is refused before it reaches SQL. */
export type KeyKind = "uuid" | "text";

const MAX_CURSOR_LENGTH = 1000;
const CURSOR_TEXT = /^[\p{L}\p{N}\p{P}\p{S} ]{1,300}$/u;

/**
 * The key a cursor holds, checked to be one the list could have given out (`kind`: a UUID,
 * or printable text without NUL): anything else is BAD_USER_INPUT, never a database error.
 */
export function decodeCursor(cursor: string, kind: KeyKind = "text"): string {
  try {
    if (cursor.length <= MAX_CURSOR_LENGTH && /^[A-Za-z0-9_-]+$/.test(cursor)) {
      const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
      if (Array.isArray(decoded) && decoded.length === 1 && typeof decoded[0] === "string") {
        const key = decoded[0];
        if (kind === "uuid" ? isUuid(key) : CURSOR_TEXT.test(key)) return key;
      }
    }
  } catch {
    // fall through to the client error below
  }
  throw hubError(ErrorCode.BAD_USER_INPUT, "Invalid cursor: pass back a cursor the hub gave you");
}

export function pageSize(first: number | undefined | null): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw hubError(ErrorCode.BAD_USER_INPUT, `\`first\` must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/**
 * Reads one page from a filtered query. `keyColumn` (e.g. "v.case_number") must be
 * unique and indexed; `keyKind` says what it holds (a cursor is checked against it);
 * `keyOf` reads it back from an entity to build the cursor.
 */
export async function paginate<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  options: {
    first?: number | null;
    after?: string | null;
    keyColumn: string;
    keyKind: KeyKind;
    keyOf: (row: T) => string;
    /** How the page's rows are read (default `getMany`): e.g. to read more from the same statement. */
    read?: (query: SelectQueryBuilder<T>) => Promise<T[]>;
  },
): Promise<ConnectionShape<T>> {
  const size = pageSize(options.first);
  const countQuery = query.clone();
  const pageQuery = query
    .clone()
    .orderBy(options.keyColumn, "ASC")
    .limit(size + 1);
  if (options.after)
    pageQuery.andWhere(`${options.keyColumn} > :afterKey`, { afterKey: decodeCursor(options.after, options.keyKind) });
  const rows = await (options.read ? options.read(pageQuery) : pageQuery.getMany());
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(options.keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
    countTotal: () => countQuery.getCount(),
  };
}

/** Policy entries of a connection's wrapper types: they carry no data of their own. */
export function connectionPolicy(name: string, roles: readonly Role[]): SubgraphPolicy {
  return {
    [`${name}Connection`]: {
      records: `A page of visible ${name} records.`,
      fields: sameRule(["edges", "pageInfo", "totalCount"], allow(roles)),
    },
    [`${name}Edge`]: {
      records: `One visible ${name} record and its cursor.`,
      fields: sameRule(["cursor", "node"], allow(roles)),
    },
    PageInfo: {
      records: "Pagination state; carries no case data.",
      fields: sameRule(["hasNextPage", "endCursor"], allow(ALL_ROLES)),
    },
  };
}
