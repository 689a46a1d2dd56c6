/**
 * Field rules inside a subgraph: a type-graphql global middleware that refuses any
 * field the caller's role may never see, driven by the subgraph's policy. It runs for
 * every field, including those reached through `_entities`, so a subgraph called
 * directly never answers more than the gateway would.
 */
import type { MiddlewareFn } from "type-graphql";
import type { SubgraphContext } from "../context";
import { ErrorCode, hubError } from "../errors";
import { mayRead, type SubgraphPolicy } from "./types";

export function unauthorizedField(typeName: string, fieldName: string) {
  return hubError(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, `Unauthorized field or type: ${typeName}.${fieldName}`);
}

export function policyMiddleware(policy: SubgraphPolicy): MiddlewareFn<SubgraphContext> {
  return async ({ info, context }, next) => {
    const typeName = info.parentType.name;
    if (!mayRead(policy, typeName, info.fieldName, context.caller.role)) {
      throw unauthorizedField(typeName, info.fieldName);
    }
    return next();
  };
}
