/**
 * The access-matrix test, generated from the policy (HUB_POLICIES, subgraphs/modules.ts) and the
 * composed schema: for a root field, a query that selects every field reachable from
 * it (each object type once per path; a type met again selects only its `id`), and a
 * walk of the response that says, field by field, whether the caller's role got what
 * the policy promises.
 */
import fs from "node:fs";
import path from "node:path";
import {
  buildASTSchema,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import type { Role } from "../../platform/auth/claims";
import { ErrorCode } from "../../platform/errors";
import type { FieldRule, SubgraphPolicy } from "../../platform/policy/types";
import { HUB_POLICIES } from "../../subgraphs/modules";
import type { GraphQLResponse } from "./hub";

/** The composed schema: types and fields as clients see them (join directives are ignored). */
export function supergraphSchema(): GraphQLSchema {
  const sdl = fs.readFileSync(path.join(__dirname, "..", "..", "supergraph.graphql"), "utf8");
  return buildASTSchema(parse(sdl), { assumeValidSDL: true });
}

export interface Selection {
  parentType: string;
  field: string;
  args?: string;
  children?: Selection[];
}

/** The rule for `Type.field` in the given policies (the key field `id` has the same rule everywhere). */
export function ruleOf(
  typeName: string,
  fieldName: string,
  policies: ReadonlyArray<{ policy: SubgraphPolicy }> = HUB_POLICIES,
): FieldRule | undefined {
  for (const { policy } of policies) {
    const rule = policy[typeName]?.fields[fieldName];
    if (rule) return rule;
  }
  return undefined;
}

/**
 * Every field of `type` that `includeField` admits, recursively. A type already on the
 * path is not expanded again (Placement.victim → Victim → … would never end).
 */
export function selectAll(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  includeField: (typeName: string, fieldName: string) => boolean,
  onPath: ReadonlySet<string> = new Set(),
): Selection[] {
  const selections: Selection[] = [];
  const here = new Set([...onPath, type.name]);
  for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
    if (field.name.startsWith("_") || !includeField(type.name, field.name)) continue;
    if (field.args.some((argument) => isNonNullType(argument.type))) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      selections.push({ parentType: type.name, field: field.name });
    } else if (isObjectType(named)) {
      const children = here.has(named.name)
        ? named.getFields().id && includeField(named.name, "id")
          ? [{ parentType: named.name, field: "id" }]
          : []
        : selectAll(schema, named, includeField, here);
      if (children.length > 0) selections.push({ parentType: type.name, field: field.name, children });
    }
  }
  return selections;
}

export function render(selections: Selection[]): string {
  return selections
    .map((s) => `${s.field}${s.args ? `(${s.args})` : ""}${s.children ? ` { ${render(s.children)} }` : ""}`)
    .join(" ");
}

export interface MatrixFinding {
  coordinate: string;
  problem: string;
}

export type Outcome = "allowed" | "allowed-empty" | "denied" | "under-denied";
const STRENGTH: Record<Outcome, number> = { "under-denied": 0, denied: 1, "allowed-empty": 2, allowed: 3 };

export interface MatrixResult {
  findings: MatrixFinding[];
  /**
   * `Type.field` → how it was checked for this role: "allowed" with a value seen,
   * "allowed-empty" (allowed, only nulls seen), "denied", or "under-denied" (only met
   * below a denied field, so covered by that field's refusal).
   */
  checked: Map<string, Outcome>;
}

const stripIndices = (errorPath: ReadonlyArray<string | number>) =>
  errorPath.filter((step): step is string => typeof step === "string");

/**
 * Walks a response against the selection and the role's rules.
 * - denied field: `null` wherever its parent object exists, and an UNAUTHORIZED_FIELD_OR_TYPE
 *   error at its path (list indices aside); nothing under it is looked at;
 * - allowed field: no authorization error at its path (unless the policy puts a record
 *   condition on it for this role), and the value is recorded as seen when non-null.
 */
export function checkResponse(
  response: GraphQLResponse,
  selections: Selection[],
  role: Role,
  options: {
    policies?: ReadonlyArray<{ policy: SubgraphPolicy }>;
    parents?: (data: unknown) => unknown[];
    pathPrefix?: string[];
  } = {},
): MatrixResult {
  const findings: MatrixFinding[] = [];
  const checked: MatrixResult["checked"] = new Map();
  const errors = response.errors ?? [];
  const authErrorsAt = (fieldPath: string[]) =>
    errors.filter(
      (error) =>
        error.extensions?.code === ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE &&
        stripIndices(error.path ?? []).join(".") === fieldPath.join("."),
    );

  for (const error of errors) {
    if (error.extensions?.code !== ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE)
      findings.push({
        coordinate: (error.path ?? []).join("."),
        problem: `unexpected error ${String(error.extensions?.code)}: ${error.message}`,
      });
  }

  const record = (coordinate: string, outcome: Outcome) => recordOutcome(checked, coordinate, outcome);

  const visit = (selection: Selection, parents: unknown[], parentPath: string[]): void => {
    const coordinate = `${selection.parentType}.${selection.field}`;
    const fieldPath = [...parentPath, selection.field];
    const rule = ruleOf(selection.parentType, selection.field, options.policies);
    const allowed = rule?.roles.includes(role) ?? false;
    const objects = parents.filter(
      (parent): parent is Record<string, unknown> => parent !== null && typeof parent === "object",
    );
    if (!allowed) {
      record(coordinate, "denied");
      const markBelow = (children: Selection[] | undefined) =>
        children?.forEach((child) => {
          record(`${child.parentType}.${child.field}`, "under-denied");
          markBelow(child.children);
        });
      markBelow(selection.children);
      if (objects.some((parent) => parent[selection.field] !== null && parent[selection.field] !== undefined)) {
        findings.push({ coordinate, problem: "denied, but a value was returned" });
      }
      if (objects.length > 0 && authErrorsAt(fieldPath).length === 0)
        findings.push({
          coordinate,
          problem: `denied, but no UNAUTHORIZED_FIELD_OR_TYPE error at ${fieldPath.join(".")}`,
        });
      return;
    }
    if (!rule?.conditions?.[role] && authErrorsAt(fieldPath).length > 0)
      findings.push({ coordinate, problem: "allowed, but refused" });
    const values = objects
      .map((parent) => parent[selection.field])
      .flatMap((value) => (Array.isArray(value) ? value : [value]));
    const seen = values.some((value) => value !== null && value !== undefined);
    if (objects.length > 0) record(coordinate, seen ? "allowed" : "allowed-empty");
    for (const child of selection.children ?? []) visit(child, values, fieldPath);
  };

  const parents = options.parents ? options.parents(response.data) : [response.data ?? null];
  for (const selection of selections) visit(selection, parents, options.pathPrefix ?? []);
  return { findings, checked };
}

/** Keeps the strongest outcome seen for a field (a value seen once counts as seen). */
function recordOutcome(checked: MatrixResult["checked"], coordinate: string, outcome: Outcome): void {
  const known = checked.get(coordinate);
  if (!known || STRENGTH[outcome] > STRENGTH[known]) checked.set(coordinate, outcome);
}

/** Adds one query's results to the running tally. */
export function mergeChecked(into: MatrixResult["checked"], from: MatrixResult["checked"]): void {
  for (const [coordinate, outcome] of from) recordOutcome(into, coordinate, outcome);
}
