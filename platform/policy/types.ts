/**
 * The shape of the access policy. Each subgraph declares the policy of its own types
 * in its `policy.ts`, next to its schema; this module gives the vocabulary and the
 * checks. Layer 1 (which roles may ever see a field) is data here and travels into
 * the SDL as `@visibleTo`, so the gateway can filter without importing subgraph code.
 * Layer 2 (which records) is SQL inside each subgraph; the policy names it in words.
 */
import { ROLES, type Role } from "../auth/claims";

/** A condition per role, in words; the resolver enforces it (e.g. `{ ngo: "case owner only" }`). */
export type RoleConditions = Partial<Record<Role, string>>;

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
   * `Type.field` this field is derived from (an escort flag from `Victim.requiresMedicalEscort`,
   * a consent from `Victim.consents`): it carries exactly that field's rule (see `derived`),
   * and a test holds every such entry to its source.
   */
  derivedFrom?: string;
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

/** "ngo: case owner only; shelter: …", in the order of ROLES; undefined when unconditional. */
export function conditionsInWords(rule: FieldRule): string | undefined {
  const parts = ROLES.filter((role) => rule.conditions?.[role]).map((role) => `${role}: ${rule.conditions![role]}`);
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

export function describeRoles(roles: readonly Role[]): string {
  if (roles.length === 0) return "nobody";
  if (ROLES.every((role) => roles.includes(role))) return "every authenticated partner";
  return ROLES.filter((role) => roles.includes(role)).join(", ");
}
