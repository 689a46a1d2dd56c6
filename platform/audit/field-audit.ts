/**
 * Collecting the audit of a request as its fields resolve (see audit-log.ts), installed per
 * field when the schema is built (platform/policy/field-resolvers.ts), around the field's
 * policy check so that what the policy refuses is recorded too: a personal field of a record
 * about someone notes an ALLOWED read when its value holds data and a DENIED one when it is
 * refused; a mutation records its write; a query by `id` for a record one may not see is a
 * refused read of it. What is personal and whom a record is about come from the subgraph's
 * policy (`TypePolicy.subject`, `notPersonal`): this module knows no type of any subgraph.
 */
import { getNamedType, type GraphQLField, type GraphQLFieldResolver, type GraphQLResolveInfo } from "graphql";
import type { SubgraphContext } from "../context";
import { ErrorCode } from "../errors";
import { isUuid } from "../ids";
import { subjectIdOf, type SubgraphPolicy, type TypePolicy } from "../policy/types";
import { appendAuditEntries, outcomeOf, subjectIdsIn, writtenFields } from "./audit-log";

export type HubFieldResolver = GraphQLFieldResolver<unknown, SubgraphContext, Record<string, unknown>>;

/** The root field (not its alias) under which this field is being resolved. */
export function rootFieldName(info: GraphQLResolveInfo): string {
  let path = info.path;
  while (path.prev) path = path.prev;
  for (const selection of info.operation.selectionSet.selections) {
    if (selection.kind === "Field" && (selection.alias?.value ?? selection.name.value) === path.key)
      return selection.name.value;
  }
  return String(path.key);
}

export function holdsData(value: unknown): boolean {
  return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
}

export function isCode(error: unknown, code: string): boolean {
  return (error as { extensions?: { code?: unknown } } | null)?.extensions?.code === code;
}

/** Notes a read of a personal field of `record` (nothing when the record names no subject). */
export function notePersonalRead(
  outcome: "ALLOWED" | "DENIED",
  typePolicy: TypePolicy | undefined,
  record: unknown,
  coordinate: string,
  context: SubgraphContext,
  info: GraphQLResolveInfo,
): void {
  const subjectId = subjectIdOf(typePolicy, record);
  if (subjectId) context.audit.noteRead(outcome, rootFieldName(info), subjectId, coordinate);
}

/** Asking for one record one may not see (a query by `id`) is a refused access to that record. */
export function noteRefusedQuery(
  error: unknown,
  args: Record<string, unknown>,
  context: SubgraphContext,
  info: GraphQLResolveInfo,
): void {
  if (isCode(error, ErrorCode.NOT_FOUND) && isUuid(args.id))
    context.audit.noteRead("DENIED", info.fieldName, args.id, undefined);
}

/**
 * A mutation's write record around `inner` (its policy check and the resolver): the argument
 * that names the person it changes is the one its rule names (`subjectArgument`), else the
 * argument named like its return type's subject (`id` when the record is the person itself).
 */
export function auditedMutation(
  policy: SubgraphPolicy,
  field: GraphQLField<unknown, unknown>,
  inner: HubFieldResolver,
): HubFieldResolver {
  const rule = policy.Mutation?.fields[field.name];
  const resultSubject = policy[getNamedType(field.type).name]?.subject;
  const named = rule?.subjectArgument ?? resultSubject;
  const keys = [named, ...(rule?.keyArguments ?? [])].filter((key): key is string => key !== undefined);
  return async (root, args, context, info) => {
    const { audit } = context;
    const write = (audit.write = {
      action: field.name,
      fields: writtenFields(args, keys),
      subjectIds: named && isUuid(args[named]) ? [args[named]] : [],
      subjectIdsOf: (result: unknown) => subjectIdsIn(result, resultSubject),
      appended: false,
    });
    try {
      const result: unknown = await inner(root, args, context, info);
      if (!write.appended) {
        // A mutation that did not write through auditedTransaction is a bug; still, never leave it out of the trail.
        context.log.error({ mutation: field.name }, "mutation finished without an audit entry in its transaction");
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
          { err: (auditError as Error).message, mutation: field.name },
          "could not audit a failed mutation",
        );
      }
      throw error;
    }
  };
}
