/**
 * The shape of the access policy. Each subgraph declares the policy of its own types
 * in its `policy.ts`, next to its schema; this module gives the vocabulary and the
 * checks. Layer 1 (which roles may ever see a field) is data here and travels into
 * the SDL as `@visibleTo`, so the gateway can filter without importing subgraph code.
 * Layer 2 (which records) is SQL inside each subgraph; the policy names it in words.
 */
import { ROLES, type Caller, type Role } from "../auth/claims";

/**
 * How a field refuses a caller whose condition does not hold on the record: as if the field
 * were closed to it (`unauthorized`: null plus UNAUTHORIZED_FIELD_OR_TYPE), or by showing
 * nothing (`nothing`: null, or an empty list for a list field). A mutation always refuses
 * with FORBIDDEN (see enforce.ts).
 */
export type FieldRefusal = "unauthorized" | "nothing";

/**
 * A condition narrowing a role's access to the records of one type, defined once by the
 * subgraph that owns those records (`subgraphs/<name>/conditions.ts`): its name, its words
 * (shown verbatim by `me`, the access matrix and the SDL) and its check. `looksAt` is the
 * type of the record the check reads: for a field, the platform runs the check on the parent
 * object when it is of that type, on the field's value (each item of a list) otherwise; for a
 * mutation the resolver loads the record and hands it to `enforce`.
 */
export interface Condition<TRecord = never> {
  readonly name: string;
  readonly words: string;
  readonly looksAt: string;
  /**
   * The properties of the record the check reads, so a read selecting only the columns it
   * needs keeps them (platform/selection.ts); without it, such a read selects every column.
   */
  readonly reads?: readonly string[];
  readonly onField: FieldRefusal;
  readonly check: (caller: Caller, record: TRecord) => boolean;
}

/**
 * Any condition, whatever record it reads. The policy holds conditions of many record types
 * side by side; the platform hands each the record of its `looksAt` type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- record types differ per condition; see above
export type AnyCondition = Condition<any>;

export function condition<TRecord>(definition: Condition<TRecord>): Condition<TRecord> {
  return Object.freeze({ ...definition });
}

/** A named condition per role (e.g. `{ ngo: OWNER_ONLY }`). */
export type RoleConditions = Partial<Record<Role, AnyCondition>>;

/**
 * What an argument (or a field of an input object) reveals. An argument that filters,
 * sorts or groups records by a field tells the caller that field's value for every record
 * it gets back, so it is open only to the roles that may read that field: `tests`.
 * Reading a value never tested (pagination, an aggregate under suppression): `open`, with
 * the reason. An input object: a rule per field.
 */
export type ArgumentRule = { tests: string } | { open: string } | { fields: Record<string, ArgumentRule> };

/** A field open to a set of roles, optionally narrowed further for some of them. */
export interface FieldRule {
  roles: readonly Role[];
  conditions?: RoleConditions;
  /**
   * The rules of the field's arguments (reads only: a mutation's arguments are what it
   * writes, under the mutation's own rule). `first`, `after` and `id` are open by default;
   * any other argument without a rule is usable by nobody.
   */
  arguments?: Record<string, ArgumentRule>;
  /**
   * `Type.field` this field is derived from (a flag set from another field, a count of a
   * list): it carries exactly that field's rule (see `derived`),
   * and a test holds every such entry to its source.
   */
  derivedFrom?: string;
  /**
   * A mutation only: the argument naming the person it changes, when it is not the one named
   * like its return type's `subject` (the audit's subject of a write).
   */
  subjectArgument?: string;
  /** A mutation only: arguments that name the record it changes (not what it writes), left out of its audit entry. */
  keyArguments?: readonly string[];
}

/** Filters, sorts or groups by `Type.field`: usable by the roles that may read that field. */
export function tests(coordinate: `${string}.${string}`): ArgumentRule {
  return { tests: coordinate };
}

/** Reveals no field's value of any record; `reason` says why, for the access matrix. */
export function open(reason: string): ArgumentRule {
  return { open: reason };
}

/** An input object argument: a rule per field. */
export function input(fields: Record<string, ArgumentRule>): ArgumentRule {
  return { fields };
}

/** Arguments that reveal no field's value: open to whoever may call the field. */
export const PLUMBING_ARGUMENTS: Readonly<Record<string, string>> = {
  first: "page size",
  after: "a cursor this caller was given",
  id: "the record rule answers a record the caller may not see as if it did not exist",
};

/** Which records of a type each role sees, in words (the SQL lives in the subgraph). */
export type RecordRules = Record<Role, string>;

export interface TypePolicy {
  /** One sentence for every role, or one per role. */
  records: string | RecordRules;
  fields: Record<string, FieldRule>;
  /**
   * The property of a record of this type that holds the id of the person it is about (the
   * audit's subject): `id` on the person itself, the property holding their id on a record about them.
   * A type without it holds no personal data: reading it is not audited.
   */
  subject?: string;
  /** Fields of a type with a subject that are not personal (reading them is not audited); keys never are. */
  notPersonal?: readonly string[];
  /**
   * What names a record of this type: a UUID (the default), or an organisation id as tokens
   * carry it (`org`, `shelter`) for records that are an organisation. Arguments naming the
   * type (`id`, `<type>Id`) are checked against it before any resolver runs (validation.ts).
   */
  idKind?: "uuid" | "organisation";
}

/** The types of a policy whose records are named by organisation ids. */
export function organisationKeyedTypes(policy: SubgraphPolicy): ReadonlySet<string> {
  return new Set(Object.entries(policy).flatMap(([name, type]) => (type.idKind === "organisation" ? [name] : [])));
}

/** Policy of one subgraph: every object type it defines or extends, every field. */
export type SubgraphPolicy = Record<string, TypePolicy>;

export const ALL_ROLES: readonly Role[] = ROLES;
/** Every role that works with case data: all but the auditor. */
export const CASE_ROLES: readonly Role[] = ["government", "ngo", "shelter", "embassy", "repatriation"];

export function allow(roles: readonly Role[], conditions?: RoleConditions): FieldRule {
  return conditions ? { roles, conditions } : { roles };
}

/** A field derived from `source` ("Type.field"), with exactly the source's rule. */
export function derived(source: string, sourceRule: FieldRule): FieldRule {
  return { ...sourceRule, derivedFrom: source };
}

/** The words of the role's condition on this field, if any. */
export function conditionWords(rule: FieldRule, role: Role): string | undefined {
  return rule.conditions?.[role]?.words;
}

/** "role: words; role: words", in the order of ROLES; undefined when unconditional. */
export function conditionsInWords(rule: FieldRule): string | undefined {
  const parts = ROLES.filter((role) => rule.conditions?.[role]).map((role) => `${role}: ${conditionWords(rule, role)}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

export function recordsInWords(typePolicy: TypePolicy): string {
  const { records } = typePolicy;
  return typeof records === "string" ? records : ROLES.map((role) => `${role}: ${records[role]}`).join("; ");
}

/** The record rule of a type as it applies to one role. */
export function recordRuleFor(typePolicy: TypePolicy, role: Role): string {
  return typeof typePolicy.records === "string" ? typePolicy.records : typePolicy.records[role];
}

/** Same rule for several fields: `fields(["a", "b"], allow(CASE_ROLES))`. */
export function sameRule(names: readonly string[], rule: FieldRule): Record<string, FieldRule> {
  return Object.fromEntries(names.map((name) => [name, rule]));
}

export function fieldRule(policy: SubgraphPolicy, typeName: string, fieldName: string): FieldRule | undefined {
  return policy[typeName]?.fields[fieldName];
}

/** Closed by default: a field with no rule is visible to nobody. */
export function mayRead(policy: SubgraphPolicy, typeName: string, fieldName: string, role: Role): boolean {
  return fieldRule(policy, typeName, fieldName)?.roles.includes(role) ?? false;
}

/** Fields never personal on any type: the key and the type name. */
const NEVER_PERSONAL = new Set(["id", "__typename"]);

/** Whether reading `field` of a record of this type reads personal data (for the audit). */
export function isPersonalField(typePolicy: TypePolicy | undefined, fieldName: string): boolean {
  if (!typePolicy?.subject || NEVER_PERSONAL.has(fieldName)) return false;
  return !(typePolicy.notPersonal ?? []).includes(fieldName);
}

/** The subject id a record of this type carries (see `TypePolicy.subject`). */
export function subjectIdOf(typePolicy: TypePolicy | undefined, record: unknown): string | undefined {
  if (!typePolicy?.subject || !record || typeof record !== "object") return undefined;
  const value = (record as Record<string, unknown>)[typePolicy.subject];
  return typeof value === "string" ? value : undefined;
}

export function describeRoles(roles: readonly Role[]): string {
  if (roles.length === 0) return "nobody";
  if (ROLES.every((role) => roles.includes(role))) return "every authenticated partner";
  return ROLES.filter((role) => roles.includes(role)).join(", ");
}
