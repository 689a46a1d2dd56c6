/**
 * Reads that select only the columns they need. TypeORM reads every column of an entity by
 * default — on a person that includes long personal text (an account, needs, family contacts)
 * that most reads never return. `columnsFor` maps a read's GraphQL selection (`info`) to the
 * entity's columns: the fields selected that are columns, what the other selected fields are
 * declared to read (`reads`), what the policy's conditions on those fields read of the record
 * (`Condition.reads`, when `looksAt` is this type) and their sources (`derivedFrom` within the
 * type), the keys (primary columns, the policy's `subject` for the audit) and `always`.
 * Whenever it cannot be sure — a selected field that is no column and has no `reads`, a
 * condition that does not say what it reads — it answers undefined: read every column.
 */
import {
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from "graphql";
import type { EntityMetadata, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { SubgraphPolicy } from "./policy/types";

export interface ColumnSelection {
  /** The GraphQL type of the records read (its policy entry gives conditions, derivations, subject). */
  typeName: string;
  policy: SubgraphPolicy;
  /** Fields from the resolved field down to the records: `["edges", "node"]` for a connection; none for the record itself. */
  path?: readonly string[];
  /** Properties the resolver itself reads besides (e.g. the paging key). */
  always?: readonly string[];
  /** Selected fields that are not columns of the same name, and the properties their resolvers read. */
  reads?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Whether reads narrow their columns. Off only to compare a narrowed read with one of every
 * column (test/in-process/column-selection.test.ts); nothing else turns it off.
 */
export const columnSelection = { enabled: true };

/** The fields selected at `path` below the resolved field (any alias, fragments followed; @skip/@include ignored: more, never less). */
function selectedFields(info: GraphQLResolveInfo, typeName: string, path: readonly string[]): Set<string> | undefined {
  const fragments = info.fragments as Record<string, FragmentDefinitionNode>;
  // Type conditions on the way down name wrapper types; only the last step's must match the records' type.
  const collect = (sets: readonly SelectionSetNode[], into: FieldNode[], matchType: boolean): boolean => {
    for (const set of sets) {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) into.push(selection);
        else {
          const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
          if (!fragment) return false;
          if (matchType && fragment.typeCondition && fragment.typeCondition.name.value !== typeName) continue;
          if (!collect([fragment.selectionSet], into, matchType)) return false;
        }
      }
    }
    return true;
  };
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const step of path) {
    const fields: FieldNode[] = [];
    if (!collect(sets, fields, false)) return undefined;
    sets = fields
      .filter((field) => field.name.value === step)
      .flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
  }
  const fields: FieldNode[] = [];
  if (!collect(sets, fields, true)) return undefined;
  return new Set(fields.map((field) => field.name.value));
}

/** The entity properties (column property names) the read needs, or undefined for every column. */
export function columnsFor(
  info: GraphQLResolveInfo,
  metadata: EntityMetadata,
  selection: ColumnSelection,
): string[] | undefined {
  if (!columnSelection.enabled) return undefined;
  const fields = selectedFields(info, selection.typeName, selection.path ?? []);
  if (!fields) return undefined;
  const columns = new Set(metadata.columns.map((column) => column.propertyName));
  const typePolicy = selection.policy[selection.typeName];
  const needed = new Set<string>(metadata.primaryColumns.map((column) => column.propertyName));
  if (typePolicy?.subject) needed.add(typePolicy.subject);
  for (const property of selection.always ?? []) needed.add(property);
  const pending = [...fields];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const field = pending.pop()!;
    if (seen.has(field) || field === "__typename") continue;
    seen.add(field);
    const declared = selection.reads?.[field];
    if (declared) for (const property of declared) needed.add(property);
    else if (columns.has(field)) needed.add(field);
    else return undefined;
    const rule = typePolicy?.fields[field];
    for (const condition of Object.values(rule?.conditions ?? {})) {
      if (!condition || condition.looksAt !== selection.typeName) continue;
      if (!condition.reads) return undefined;
      pending.push(...condition.reads);
    }
    const [sourceType, sourceField] = rule?.derivedFrom?.split(".") ?? [];
    if (sourceType === selection.typeName && sourceField) pending.push(sourceField);
  }
  for (const property of needed) if (!columns.has(property)) return undefined;
  return [...needed].sort();
}

/** Narrows `query`'s select to `columns` of its main alias (unchanged when undefined: every column). */
export function selectColumns<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  columns: readonly string[] | undefined,
  alias = query.alias,
): SelectQueryBuilder<T> {
  return columns ? query.select(columns.map((property) => `${alias}.${property}`)) : query;
}
