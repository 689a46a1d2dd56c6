/**
 * Collecting the audit of a request as its fields resolve (see audit-log.ts). A
 * type-graphql global middleware placed outside the policy middleware, so that fields
 * and mutations the policy refuses are recorded too. What is personal and whom a record
 * is about come from the subgraph's policy (`TypePolicy.subject`, `notPersonal`): this
 * module knows no type of any subgraph.
 */
import { getNamedType, type GraphQLResolveInfo } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import type { SubgraphContext } from "../context";
import { ErrorCode } from "../errors";
import { isUuid } from "../ids";
import { isPersonalField, subjectIdOf, type SubgraphPolicy } from "../policy/types";
import { appendAuditEntries, outcomeOf, subjectIdsIn, writtenFields } from "./audit-log";

/** The root field (not its alias) under which this field is being resolved. */
function rootFieldName(info: GraphQLResolveInfo): string {
  let path = info.path;
  while (path.prev) path = path.prev;
  for (const selection of info.operation.selectionSet.selections) {
    if (selection.kind === "Field" && (selection.alias?.value ?? selection.name.value) === path.key)
      return selection.name.value;
  }
  return String(path.key);
}

/**
 * The argument of a mutation that names the person it changes: the one its rule names
 * (`subjectArgument`), else the argument named like its return type's subject (`id` when the
 * record is the person itself).
 */
function subjectArgument(policy: SubgraphPolicy, info: GraphQLResolveInfo): string | undefined {
  return (
    policy.Mutation?.fields[info.fieldName]?.subjectArgument ?? policy[getNamedType(info.returnType).name]?.subject
  );
}

function holdsData(value: unknown): boolean {
  return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
}

function isCode(error: unknown, code: string): boolean {
  return (error as { extensions?: { code?: unknown } } | null)?.extensions?.code === code;
}

export function auditMiddleware(policy: SubgraphPolicy): MiddlewareFn<SubgraphContext> {
  return async ({ root, args, info, context }, next) => {
    const typeName = info.parentType.name;
    const { audit } = context;

    if (typeName === "Mutation") {
      const named = subjectArgument(policy, info);
      const resultSubject = policy[getNamedType(info.returnType).name]?.subject;
      const keys = [named, ...(policy.Mutation?.fields[info.fieldName]?.keyArguments ?? [])].filter(
        (key): key is string => key !== undefined,
      );
      const write = (audit.write = {
        action: info.fieldName,
        fields: writtenFields(args, keys),
        subjectIds: named && isUuid(args[named]) ? [args[named]] : [],
        subjectIdsOf: (result: unknown) => subjectIdsIn(result, resultSubject),
        appended: false,
      });
      try {
        const result = await next();
        if (!write.appended) {
          // A mutation that did not write through auditedTransaction is a bug; still, never leave it out of the trail.
          context.log.error(
            { mutation: info.fieldName },
            "mutation finished without an audit entry in its transaction",
          );
          await appendAuditEntries(context.db, [
            audit.entry("WRITE", write.action, "ALLOWED", write.subjectIds, write.fields),
          ]);
        }
        return result;
      } catch (error) {
        try {
          await appendAuditEntries(context.db, [
            audit.entry("WRITE", write.action, outcomeOf(error), write.subjectIds, write.fields),
          ]);
        } catch (auditError) {
          context.log.error(
            { err: (auditError as Error).message, mutation: info.fieldName },
            "could not audit a failed mutation",
          );
        }
        throw error;
      }
    }

    if (typeName === "Query") {
      try {
        return await next();
      } catch (error) {
        // Asking for one record one may not see (a query by `id`) is a refused access to that record.
        if (isCode(error, ErrorCode.NOT_FOUND) && isUuid(args.id))
          audit.noteRead("DENIED", info.fieldName, args.id, undefined);
        throw error;
      }
    }

    const typePolicy = policy[typeName];
    const subjectId = subjectIdOf(typePolicy, root);
    if (!subjectId || !isPersonalField(typePolicy, info.fieldName)) return next();
    const field = `${typeName}.${info.fieldName}`;
    try {
      const value = await next();
      if (holdsData(value)) audit.noteRead("ALLOWED", rootFieldName(info), subjectId, field);
      return value;
    } catch (error) {
      if (isCode(error, ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE))
        audit.noteRead("DENIED", rootFieldName(info), subjectId, field);
      throw error;
    }
  };
}
