/**
 * Hostile requests generated from the schema, reproducibly (seeded): every root field
 * with arguments of wrong types, missing variables, huge and hostile strings (SQL and
 * script injection, template and path tricks, lone surrogates, NUL), forged cursors,
 * ids that are no ids, giant lists,
 * deep nesting, garbage syntax, and raw bodies that are not JSON or not UTF-8.
 */
import {
  getNamedType,
  getNullableType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from "graphql";

export interface FuzzCase {
  label: string;
  /** A JSON request body, or raw bytes sent as they are. */
  body: { query: unknown; variables?: unknown; operationName?: unknown } | Buffer | string;
  contentType?: string;
}

/** Mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "1; DROP TABLE placement; --",
  "' UNION SELECT null, null --",
  '"; SELECT pg_sleep(5); --',
  "<script>alert(document.cookie)</script>",
  "<img src=x onerror=alert(1)>",
  "{{7*7}}${7*7}#{7*7}",
  "${jndi:ldap://127.0.0.1/a}",
  "../../../../etc/passwd",
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "\u202eevil",
  "🙂".repeat(1000),
  "x".repeat(200_000),
  "",
  " ",
  "-1",
  "9".repeat(400),
  "NaN",
  "null",
  "undefined",
  "00000000-0000-0000-0000-000000000000",
  "shelter-maesot-1' --",
  "embassy-PH\u0000",
  "__proto__",
  "constructor",
];

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

/** Cursors an attacker forges: not base64, not JSON, the wrong shape, keys that are no key (NUL, not a UUID, huge). */
export const HOSTILE_CURSORS = [
  "!!!",
  "e30",
  cursorOf({ key: "x" }),
  cursorOf([1]),
  cursorOf(["a", "b"]),
  cursorOf(["\u0000"]),
  cursorOf(["MS-2026-0001\u0000"]),
  cursorOf(["not-a-uuid"]),
  cursorOf(["' OR '1'='1"]),
  cursorOf(["x".repeat(5_000)]),
  cursorOf(["00000000-0000-0000-0000-000000000000"]),
  Buffer.from([0xff, 0xfe, 0x00]).toString("base64url"),
];

/** Ids that are no ids: wrong shape, NUL, lone surrogate, an organisation id where a UUID belongs, a random UUID. */
export const HOSTILE_IDS = [
  "42",
  "not-a-uuid",
  "00000000-0000-0000-0000-00000000000\u0000",
  "\ud800",
  "shelter-maesot-1",
  "shelter-maesot-1' --",
  "embassy-PH\u0000",
  "' OR '1'='1",
  "6f1c2e9a-0d3b-4c1e-9a5f-2b7d8e4c1a00",
];

const WRONG_VALUES: unknown[] = [
  null,
  0,
  -1,
  2 ** 53,
  1.5,
  true,
  false,
  {},
  JSON.parse('{"__proto__": {"admin": true}}'),
  [],
  ["a"],
  Array.from({ length: 20_000 }, (_, index) => index),
];

/**
 * What an answer must never carry, by kind (test/fuzz.test.ts scans every answer with these).
 *
 * Each runs in time linear in the answer's length: every gap between two parts is bounded
 * (`[^\n]{0,300}?`, `\d{1,6}`), never `.*`. An answer can be megabytes on one line — a list of
 * 20,000 wrong values is answered with 20,000 errors, each with `at "groupBy[i]"` in it — and an
 * unbounded `.*` after a prefix that frequent scans to the end of the text from every occurrence:
 * `\bat .*:\d+:\d+\)` took 57 s on that 5.6 MB answer (seed 20261127, case #470). For that long the
 * test process ran nothing else, the hub's servers closed the connections it had left idle (their
 * keep-alive timeout, 5 s), and its next requests went out on those closed connections before it
 * had read their closing: "other side closed" and EPIPE, seen as a flaky subgraph.
 */
export const LEAK_PATTERNS: ReadonlyArray<readonly [kind: string, pattern: RegExp]> = [
  ["stack trace", /\bat [\w$.<>]+ \(|\bat [^\n]{0,300}?:\d{1,6}:\d{1,6}\)|node_modules|\.ts:\d|\.js:\d/],
  [
    "SQL",
    /\b(FROM|INTO|UPDATE|JOIN)\s+"?(victim|placement|shelter|audit_entry|audit_chain_head|consent|referral|repatriation_case|repatriation_transition|travel_document|nationality_verification|journey_leg|embassy)\b/i,
  ],
  [
    "driver text",
    /QueryFailedError|syntax error at or near|violates [^\n]{0,200}? constraint|duplicate key value|relation "|column "|pg_catalog|typeorm/i,
  ],
  ["file path", /\/work\/|\/home\/|\/tmp\/|\/usr\/|dist\/(shared|subgraphs|gateway)/],
  ["internal address", /127\.0\.0\.1:\d|localhost:\d|ECONNREFUSED/],
];

/** The first match of each leak pattern in `text`, with where it is. */
export function findLeaks(text: string): Array<{ kind: string; match: string; index: number }> {
  return LEAK_PATTERNS.flatMap(([kind, pattern]) => {
    const match = pattern.exec(text);
    return match ? [{ kind, match: match[0], index: match.index }] : [];
  });
}

export class FuzzGenerator {
  private readonly random: () => number;
  /** A second stream for the choice among forged ids and cursors, so adding them left the main sequence of cases as it was. */
  private readonly forged: () => number;

  constructor(
    private readonly schema: GraphQLSchema,
    seed: number,
    private readonly excludedFields: ReadonlySet<string>,
  ) {
    this.random = seededRandom(seed);
    this.forged = seededRandom(seed ^ 0x5eed);
  }

  /** One draw of the main stream (as `pick` takes), the value from the forged stream. */
  private pickForged<T>(forged: readonly T[], otherwise: readonly T[]): T {
    const main = this.random();
    return this.forged() < 0.7
      ? forged[Math.floor(this.forged() * forged.length)]
      : otherwise[Math.floor(main * otherwise.length)];
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private chance(probability: number): boolean {
    return this.random() < probability;
  }

  /** A value for an argument: usually hostile, sometimes of the wrong type entirely. */
  private value(type: GraphQLInputType, depth = 0, name = ""): unknown {
    if (this.chance(0.15)) return this.pick(WRONG_VALUES);
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const size = this.chance(0.1) ? 5_000 : Math.floor(this.random() * 4);
      return Array.from({ length: size }, () => this.value(nullable.ofType as GraphQLInputType, depth + 1));
    }
    if (isEnumType(nullable))
      return this.chance(0.5) ? this.pick(nullable.getValues()).value : this.pick(HOSTILE_STRINGS);
    if (isInputObjectType(nullable)) {
      if (depth > 3) return {};
      const fields = Object.values(nullable.getFields());
      return Object.fromEntries(
        fields
          .filter(() => this.chance(0.7))
          .map((field) => [field.name, this.value(field.type, depth + 1, field.name)]),
      );
    }
    if (isScalarType(nullable)) {
      switch (nullable.name) {
        case "Int":
          return this.pick([0, -1, 2 ** 31, -(2 ** 31) - 1, 101, 1e308, "12", 3.7]);
        case "Float":
          return this.pick([0, -0.0, 1e308, -1e308, "1.5", Number.MIN_VALUE]);
        case "Boolean":
          return this.pick([true, false, "true", 1, null]);
        case "ID":
          return this.pickForged(HOSTILE_IDS, HOSTILE_STRINGS);
        default:
          if (name === "after") return this.pickForged(HOSTILE_CURSORS, HOSTILE_STRINGS);
          return this.pick(HOSTILE_STRINGS);
      }
    }
    return this.pick(HOSTILE_STRINGS);
  }

  /** A small selection under a field's type: __typename and a scalar or two. */
  private selection(field: GraphQLField<unknown, unknown>, depth: number): string {
    const named = getNamedType(field.type);
    if (!isObjectType(named)) return "";
    const fields = Object.values(named.getFields()).filter(
      (child) => !child.args.some((argument) => isNonNullType(argument.type)),
    );
    const chosen = fields.filter(() => this.chance(0.3)).slice(0, 4);
    const parts = chosen.map((child) =>
      isObjectType(getNamedType(child.type))
        ? depth < 3
          ? `${child.name} ${this.selection(child, depth + 1)}`
          : ""
        : child.name,
    );
    return `{ __typename ${parts.join(" ")} }`;
  }

  /** One operation on a root field, with hostile variables (some missing, some undeclared). */
  private fieldCase(kind: "query" | "mutation", field: GraphQLField<unknown, unknown>): FuzzCase {
    const args: readonly GraphQLArgument[] = field.args;
    const declared = args.map((argument) => `$${argument.name}: ${argument.type.toString()}`);
    const variables: Record<string, unknown> = {};
    for (const argument of args) {
      if (this.chance(0.9)) variables[argument.name] = this.value(argument.type, 0, argument.name);
    }
    if (this.chance(0.1)) variables.undeclared = this.pick(HOSTILE_STRINGS);
    const argumentList = args.map((argument) =>
      this.chance(0.1)
        ? `${argument.name}: ${JSON.stringify(this.pick(HOSTILE_STRINGS).slice(0, 200))}`
        : `${argument.name}: $${argument.name}`,
    );
    const header = declared.length > 0 && !this.chance(0.05) ? `(${declared.join(", ")})` : "";
    const call = argumentList.length > 0 ? `(${argumentList.join(", ")})` : "";
    return {
      label: `${kind} ${field.name}`,
      body: { query: `${kind} Fuzz${header} { ${field.name}${call} ${this.selection(field, 0)} }`, variables },
    };
  }

  private structuralCase(): FuzzCase {
    switch (Math.floor(this.random() * 9)) {
      case 0:
        return {
          label: "deep nesting",
          body: { query: `{ ${"victims { edges { node { referrals { victim ".repeat(40)}id${" } } } }".repeat(40)} }` },
        };
      case 1:
        return { label: "unbalanced", body: { query: "{".repeat(5_000) } };
      case 2:
        return {
          label: "garbage text",
          body: {
            query: Array.from({ length: 300 }, () => String.fromCharCode(Math.floor(this.random() * 0xffff))).join(""),
          },
        };
      case 3:
        return {
          label: "invalid UTF-8",
          body: Buffer.concat([
            Buffer.from('{"query":"{ shelters(first: 1) { totalCount } }","x":"'),
            Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]),
            Buffer.from('"}'),
          ]),
          contentType: "application/json",
        };
      case 4:
        return { label: "not JSON", body: "query=%7B__typename%7D&<script>", contentType: "application/json" };
      case 5:
        return { label: "query of the wrong type", body: { query: this.pick([42, {}, [], null, true]) as unknown } };
      case 6:
        return {
          label: "variables of the wrong type",
          body: { query: "query ($id: ID!) { victim(id: $id) { id } }", variables: this.pick(["x", 1, [1, 2], true]) },
        };
      case 7:
        return {
          label: "alias flood",
          body: { query: `{ ${Array.from({ length: 500 }, (_, index) => `a${index}: __typename`).join(" ")} }` },
        };
      default:
        return {
          label: "fragment cycle",
          body: { query: "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }" },
        };
    }
  }

  /** `count` cases: four in five on root fields, the rest structural. */
  cases(count: number): FuzzCase[] {
    const roots: Array<["query" | "mutation", GraphQLField<unknown, unknown>]> = [
      ...Object.values(this.schema.getQueryType()!.getFields()).map(
        (field) => ["query", field] as ["query", GraphQLField<unknown, unknown>],
      ),
      ...Object.values(this.schema.getMutationType()?.getFields() ?? {}).map(
        (field) => ["mutation", field] as ["mutation", GraphQLField<unknown, unknown>],
      ),
    ].filter(([, field]) => !this.excludedFields.has(field.name));
    return Array.from({ length: count }, () =>
      this.chance(0.8) ? this.fieldCase(...this.pick(roots)) : this.structuralCase(),
    );
  }
}
