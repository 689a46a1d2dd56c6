/**
 * Field rules inside a subgraph, decided once per field when the schema is built
 * (platform/federation.ts) instead of by middlewares run on every field of every request.
 * For each field of each type, and each role, the policy says: refused, read as is, or read
 * under a condition (types.ts, `Condition`) — on the parent object when the condition reads
 * records of the parent's type, else on the field's value (each item of a list). Only what
 * that needs is installed: a field every role may read, not personal and without arguments
 * keeps graphql-js's default resolver (a property read); the others get one synchronous
 * wrapper holding the role test, the condition, the argument guard (validation.ts) and, on a
 * personal field of a record about someone, the audit's note (audit/field-audit.ts). A wrapper
 * stays synchronous when the resolver it wraps is. It runs for every field, including those
 * reached through `_entities`, so a subgraph called directly never answers more than the
 * gateway would. Root fields (queries, mutations) load their records first: their resolvers
 * call `enforce` (enforce.ts); here they get the role test, the guard and their audit.
 */
import {
  getNamedType,
  getNullableType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isListType,
  isObjectType,
} from "graphql";
import {
  auditedMutation,
  type HubFieldResolver,
  isCode,
  holdsData,
  notePersonalRead,
  noteRefusedQuery,
} from "../audit/field-audit";
import { ROLES, type Role } from "../auth/claims";
import type { SubgraphContext } from "../context";
import { ErrorCode, hubError } from "../errors";
import { countPolicyRefusals } from "../metrics";
import { argumentGuard } from "../validation";
import { type AnyCondition, fieldRule, isPersonalField, organisationKeyedTypes, type SubgraphPolicy } from "./types";

/** The refusal of a field by its rule (made only when refusing: counted here, never on a field that resolves). */
export function unauthorizedField(typeName: string, fieldName: string) {
  countPolicyRefusals("field");
  return hubError(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, `Unauthorized field or type: ${typeName}.${fieldName}`);
}

/** What one role gets of one field; a role without a step is refused. */
type Step = { kind: "read" } | { kind: "parent"; condition: AnyCondition } | { kind: "value"; condition: AnyCondition };

const READ: Step = { kind: "read" };

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** A property read, as type-graphql's own resolver of a plain field does (it never calls a function-valued property). */
function propertyRead(name: string): HubFieldResolver {
  return (root) => (root as Record<string, unknown> | null | undefined)?.[name];
}

function stepsOf(policy: SubgraphPolicy, typeName: string, field: GraphQLField<unknown, unknown>): Map<Role, Step> {
  const rule = fieldRule(policy, typeName, field.name);
  const steps = new Map<Role, Step>();
  // Closed by default: no rule, no role.
  for (const role of rule?.roles ?? []) {
    const condition = rule?.conditions?.[role];
    if (!condition) steps.set(role, READ);
    else if (condition.looksAt === typeName) steps.set(role, { kind: "parent", condition });
    else if (condition.looksAt === getNamedType(field.type).name) steps.set(role, { kind: "value", condition });
    // A condition on a record the field only reaches through another subgraph (a list narrowed by who owns each
    // case): its resolver applies it with `enforce.holds`; test/in-process/policy-rules.test.ts lists each such field.
    else steps.set(role, READ);
  }
  return steps;
}

/** The resolver of a field of an object (not root) type: its own, untouched, when no role, guard or audit needs more. */
function objectFieldResolver(
  policy: SubgraphPolicy,
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  organisationKeyed: ReadonlySet<string>,
): HubFieldResolver | undefined {
  const typeName = type.name;
  const typePolicy = policy[typeName];
  const steps = stepsOf(policy, typeName, field);
  const guard = argumentGuard(field, organisationKeyed);
  const personal = typePolicy?.subject !== undefined && isPersonalField(typePolicy, field.name);
  const open = ROLES.every((role) => steps.get(role) === READ);
  if (open && !guard && !personal) return field.resolve as HubFieldResolver | undefined;

  const inner: HubFieldResolver = (field.resolve as HubFieldResolver | undefined) ?? propertyRead(field.name);
  const coordinate = `${typeName}.${field.name}`;
  const isList = isListType(getNullableType(field.type));

  // The simplest and commonest case: a role test in front of the resolver.
  if (!guard && !personal && [...steps.values()].every((step) => step === READ)) {
    const allowed = new Set(steps.keys());
    return (root, args, context, info) => {
      if (!allowed.has(context.caller.role)) throw unauthorizedField(typeName, field.name);
      return inner(root, args, context, info);
    };
  }

  // Per call only the step's work: no closure is made unless the resolver answers with a promise.
  const refuse = (root: unknown, context: SubgraphContext, info: GraphQLResolveInfo): never => {
    if (personal) notePersonalRead("DENIED", typePolicy, root, coordinate, context, info);
    throw unauthorizedField(typeName, field.name);
  };
  const finish = (step: Step, value: unknown, root: unknown, context: SubgraphContext, info: GraphQLResolveInfo) => {
    let shown = value;
    if (step.kind === "value" && value !== null && value !== undefined) {
      const { condition } = step;
      if (Array.isArray(value)) shown = value.filter((item) => condition.check(context.caller, item));
      else if (!condition.check(context.caller, value)) {
        if (condition.onField === "unauthorized") return refuse(root, context, info);
        shown = isList ? [] : null;
      }
    }
    if (personal && holdsData(shown)) notePersonalRead("ALLOWED", typePolicy, root, coordinate, context, info);
    return shown;
  };
  const failed = (error: unknown, root: unknown, context: SubgraphContext, info: GraphQLResolveInfo): never => {
    if (personal && isCode(error, ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE))
      notePersonalRead("DENIED", typePolicy, root, coordinate, context, info);
    throw error;
  };

  return (root, args, context, info) => {
    const step = steps.get(context.caller.role);
    if (!step) return refuse(root, context, info);
    if (step.kind === "parent" && !step.condition.check(context.caller, root)) {
      if (step.condition.onField === "unauthorized") return refuse(root, context, info);
      return isList ? [] : null;
    }
    guard?.(args);
    let value: unknown;
    try {
      value = inner(root, args, context, info);
    } catch (error) {
      return failed(error, root, context, info);
    }
    if (!isPromiseLike(value)) return finish(step, value, root, context, info);
    return Promise.resolve(value).then(
      (resolved) => finish(step, resolved, root, context, info),
      (error: unknown) => failed(error, root, context, info),
    );
  };
}

/** A root field: the role test (conditions are the resolver's, through `enforce`), the guard, the audit. */
function rootFieldResolver(
  policy: SubgraphPolicy,
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  organisationKeyed: ReadonlySet<string>,
  kind: "query" | "mutation" | "subscription",
): HubFieldResolver {
  const typeName = type.name;
  const allowed = new Set(fieldRule(policy, typeName, field.name)?.roles ?? []);
  const guard = argumentGuard(field, organisationKeyed);
  const inner: HubFieldResolver = (field.resolve as HubFieldResolver | undefined) ?? propertyRead(field.name);
  const checked: HubFieldResolver = (root, args, context, info) => {
    if (!allowed.has(context.caller.role)) throw unauthorizedField(typeName, field.name);
    guard?.(args);
    return inner(root, args, context, info);
  };
  // The write record wraps the check, so a refused mutation is recorded too.
  if (kind === "mutation") return auditedMutation(policy, field, checked);
  if (kind === "subscription") return checked;
  return (root, args, context, info) => {
    const failed = (error: unknown): never => {
      noteRefusedQuery(error, args, context, info);
      throw error;
    };
    let result: unknown;
    try {
      result = checked(root, args, context, info);
    } catch (error) {
      return failed(error);
    }
    return isPromiseLike(result) ? Promise.resolve(result).then(undefined, failed) : result;
  };
}

/**
 * Installs the field rules of `policy` on `schema`, on the fields `policed` names (type → fields:
 * those the subgraph's own classes define; the federation machinery's `_entities`, `_service`
 * and `_Service` are not the policy's). Replaces each field's `resolve` in place.
 */
export function installFieldRules(
  schema: GraphQLSchema,
  policy: SubgraphPolicy,
  policed: ReadonlyMap<string, ReadonlySet<string>>,
): void {
  const organisationKeyed = organisationKeyedTypes(policy);
  const rootKinds = new Map<string, "query" | "mutation" | "subscription">();
  if (schema.getQueryType()) rootKinds.set(schema.getQueryType()!.name, "query");
  if (schema.getMutationType()) rootKinds.set(schema.getMutationType()!.name, "mutation");
  if (schema.getSubscriptionType()) rootKinds.set(schema.getSubscriptionType()!.name, "subscription");
  for (const [typeName, fieldNames] of policed) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    const rootKind = rootKinds.get(typeName);
    for (const fieldName of fieldNames) {
      const field = fields[fieldName];
      if (!field) continue;
      field.resolve = rootKind
        ? rootFieldResolver(policy, type, field, organisationKeyed, rootKind)
        : objectFieldResolver(policy, type, field, organisationKeyed);
    }
  }
}
