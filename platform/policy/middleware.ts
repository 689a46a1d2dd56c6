/**
 * Field rules inside a subgraph: a type-graphql global middleware that refuses any
 * field the caller's role may never see, driven by the subgraph's policy, and runs the
 * caller's condition on the field (types.ts, `Condition`): on the parent object when the
 * condition reads records of the parent's type, else on the field's value (each item of a
 * list). It runs for every field, including those reached through `_entities`, so a
 * subgraph called directly never answers more than the gateway would. Root fields
 * (queries, mutations) load their records first: their resolvers call `enforce` (enforce.ts).
 */
import { getNamedType, getNullableType, isListType } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import type { SubgraphContext } from "../context";
import { ErrorCode, hubError } from "../errors";
import { fieldRule, type SubgraphPolicy } from "./types";

export function unauthorizedField(typeName: string, fieldName: string) {
  return hubError(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, `Unauthorized field or type: ${typeName}.${fieldName}`);
}

const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);

export function policyMiddleware(policy: SubgraphPolicy): MiddlewareFn<SubgraphContext> {
  return async ({ root, info, context }, next) => {
    const typeName = info.parentType.name;
    const { caller } = context;
    // One lookup of the rule serves the role test and the condition (closed by default: no rule, nobody).
    const rule = fieldRule(policy, typeName, info.fieldName);
    if (!rule?.roles.includes(caller.role)) throw unauthorizedField(typeName, info.fieldName);
    const condition = ROOT_TYPES.has(typeName) ? undefined : rule.conditions?.[caller.role];
    if (!condition) return next();
    const isList = isListType(getNullableType(info.returnType));
    const refuse = () => {
      if (condition.onField === "unauthorized") throw unauthorizedField(typeName, info.fieldName);
      return isList ? [] : null;
    };
    if (condition.looksAt === typeName) return condition.check(caller, root) ? next() : refuse();
    // A condition on a record the field only reaches through another subgraph (a list narrowed by who owns each
    // case): its resolver applies it with `enforce.holds`; test/in-process/policy-rules.test.ts lists each such field.
    if (condition.looksAt !== getNamedType(info.returnType).name) return next();
    const value: unknown = await next();
    if (value === null || value === undefined) return value;
    if (Array.isArray(value)) return value.filter((item) => condition.check(caller, item));
    return condition.check(caller, value) ? value : refuse();
  };
}
