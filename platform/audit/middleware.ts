/**
 * Collecting the audit of a request as its fields resolve (see audit-log.ts). A
 * type-graphql global middleware placed outside the policy middleware, so that fields
 * and mutations the policy refuses are recorded too.
 */
import { getNamedType, type GraphQLResolveInfo } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import type { SubgraphContext } from "../context";
import { ErrorCode } from "../errors";
import { isUuid } from "../ids";
import { appendAuditEntries, NON_PERSONAL_VICTIM_FIELDS, outcomeOf, writtenFields } from "./audit-log";

/** The victim a resolved object belongs to: a Victim's id, or another record's victimId. */
function victimIdOf(typeName: string, root: unknown): string | undefined {
  if (!root || typeof root !== "object") return undefined;
  const record = root as { id?: unknown; victimId?: unknown };
  if (typeName === "Victim") return typeof record.id === "string" ? record.id : undefined;
  return typeof record.victimId === "string" ? record.victimId : undefined;
}

function isPersonalField(typeName: string, fieldName: string): boolean {
  if (fieldName === "id" || fieldName === "__typename") return false;
  return typeName !== "Victim" || !NON_PERSONAL_VICTIM_FIELDS.has(fieldName);
}

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

/** The victim a mutation names in its arguments: `victimId`, or `id` when it changes a Victim. */
function targetVictimIds(args: Record<string, unknown>, info: GraphQLResolveInfo): string[] {
  if (isUuid(args.victimId)) return [args.victimId];
  if (isUuid(args.id) && getNamedType(info.returnType).name === "Victim") return [args.id];
  return [];
}

function holdsData(value: unknown): boolean {
  return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
}

function isCode(error: unknown, code: string): boolean {
  return (error as { extensions?: { code?: unknown } } | null)?.extensions?.code === code;
}

export const auditMiddleware: MiddlewareFn<SubgraphContext> = async ({ root, args, info, context }, next) => {
  const typeName = info.parentType.name;
  const { audit } = context;

  if (typeName === "Mutation") {
    const write = (audit.write = {
      action: info.fieldName,
      fields: writtenFields(args),
      victimIds: targetVictimIds(args, info),
      appended: false,
    });
    try {
      const result = await next();
      if (!write.appended) {
        // A mutation that did not write through auditedTransaction is a bug; still, never leave it out of the trail.
        context.log.error({ mutation: info.fieldName }, "mutation finished without an audit entry in its transaction");
        await appendAuditEntries(context.db, [
          audit.entry("WRITE", write.action, "ALLOWED", write.victimIds, write.fields),
        ]);
      }
      return result;
    } catch (error) {
      try {
        await appendAuditEntries(context.db, [
          audit.entry("WRITE", write.action, outcomeOf(error), write.victimIds, write.fields),
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
      // Asking for one record one may not see (`victim(id)`) is a refused access to that record.
      if (isCode(error, ErrorCode.NOT_FOUND) && isUuid(args.id))
        audit.noteRead("DENIED", info.fieldName, args.id, undefined);
      throw error;
    }
  }

  const victimId = victimIdOf(typeName, root);
  if (!victimId || !isPersonalField(typeName, info.fieldName)) return next();
  const field = `${typeName}.${info.fieldName}`;
  try {
    const value = await next();
    if (holdsData(value)) audit.noteRead("ALLOWED", rootFieldName(info), victimId, field);
    return value;
  } catch (error) {
    if (isCode(error, ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE))
      audit.noteRead("DENIED", rootFieldName(info), victimId, field);
    throw error;
  }
};
