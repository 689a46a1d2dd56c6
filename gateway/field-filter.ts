/**
 * Filter mode at the gateway, in the manner of Apollo Router's `@requiresScopes`
 * filter mode: before planning, every field the caller's role may never see (per the
 * `@visibleTo` directives the subgraphs compose into the supergraph) is removed from
 * the operation. The response keeps its shape: `null` where a field was removed, plus
 * one UNAUTHORIZED_FIELD_OR_TYPE error per removed field with its path. Fragments are
 * inlined so a field hidden in a fragment, behind an alias or an inline fragment is
 * judged by its real type and name. Subgraph fetches that become empty are never made,
 * because the query planner never sees those fields.
 */
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLCompositeType,
  GraphQLObjectType,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionNode,
  type SelectionSetNode,
  validate,
  visit,
} from "graphql";
import type { Role } from "../platform/auth/claims";
import { VISIBLE_TO_DIRECTIVE } from "../platform/federation";
import { argumentCoordinate } from "../platform/policy/argument-rules";

/** `Type.field`, `Type.field(argument:)` and `Input.field` → roles, read once from the supergraph SDL. */
export type VisibilityMap = Map<string, ReadonlySet<string>>;

export function visibilityFromSupergraph(supergraphSdl: string): VisibilityMap {
  const map: VisibilityMap = new Map();
  const document = parse(supergraphSdl);
  const record = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    const directive = directives?.find((d) => d.name.value === VISIBLE_TO_DIRECTIVE);
    const rolesArgument = directive?.arguments?.find((argument) => argument.name.value === "roles");
    if (rolesArgument?.value.kind !== Kind.LIST) return;
    map.set(
      coordinate,
      new Set(rolesArgument.value.values.flatMap((value) => (value.kind === Kind.STRING ? [value.value] : []))),
    );
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      for (const field of definition.fields ?? [])
        record(`${definition.name.value}.${field.name.value}`, field.directives);
      continue;
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      record(`${definition.name.value}.${field.name.value}`, field.directives);
      for (const argument of field.arguments ?? [])
        record(argumentCoordinate(definition.name.value, field.name.value, argument.name.value), argument.directives);
    }
  }
  return map;
}

export interface RemovedField {
  /** Response path without list indices, e.g. ["victims", "edges", "node", "testimony"]. */
  path: string[];
  coordinate: string;
}

export interface FilteredOperation {
  /** The query to execute instead, or undefined when nothing was removed. */
  query?: string;
  removed: RemovedField[];
  /** Paths to set to null in the response (removed fields, and parents left empty). */
  nullPaths: string[][];
  /** Every root field was removed: execute a placeholder and answer nulls. */
  placeholder: boolean;
}

const NOTHING_REMOVED: FilteredOperation = { removed: [], nullPaths: [], placeholder: false };
const PLACEHOLDER_QUERY = "query { __typename }";

function mayRead(visibility: VisibilityMap, typeName: string, fieldName: string, role: Role): boolean {
  // Closed by default: a field without a @visibleTo entry is visible to nobody.
  return visibility.get(`${typeName}.${fieldName}`)?.has(role) ?? false;
}

class OperationFilter {
  readonly removed: RemovedField[] = [];
  readonly nullPaths: string[][] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly visibility: VisibilityMap,
    private readonly role: Role,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  /** Returns the filtered selection set, or undefined if nothing is left in it. */
  selectionSet(
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    path: string[],
  ): SelectionSetNode | undefined {
    const kept: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      const result = this.selection(selection, parentType, path);
      if (result) kept.push(result);
    }
    return kept.length > 0 ? { ...selectionSet, selections: kept } : undefined;
  }

  private selection(
    selection: SelectionNode,
    parentType: GraphQLCompositeType,
    path: string[],
  ): SelectionNode | undefined {
    switch (selection.kind) {
      case Kind.FIELD:
        return this.field(selection, parentType, path);
      case Kind.INLINE_FRAGMENT: {
        const type = selection.typeCondition ? this.compositeType(selection.typeCondition.name.value) : parentType;
        if (!type) return undefined;
        const selectionSet = this.selectionSet(selection.selectionSet, type, path);
        return selectionSet ? { ...selection, selectionSet } : undefined;
      }
      case Kind.FRAGMENT_SPREAD: {
        // Inline the fragment, so each use is judged where it stands.
        const fragment = this.fragments.get(selection.name.value);
        const type = fragment && this.compositeType(fragment.typeCondition.name.value);
        if (!fragment || !type) return undefined;
        const selectionSet = this.selectionSet(fragment.selectionSet, type, path);
        if (!selectionSet) return undefined;
        return {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: selection.directives,
          selectionSet,
        };
      }
    }
  }

  private field(field: FieldNode, parentType: GraphQLCompositeType, path: string[]): FieldNode | undefined {
    const name = field.name.value;
    if (name.startsWith("__")) return field; // __typename, and introspection (governed by its own setting)
    const responsePath = [...path, field.alias?.value ?? name];
    // On an interface, the field must be readable on every object type that could answer.
    const owners = isInterfaceType(parentType)
      ? this.schema.getPossibleTypes(parentType)
      : isObjectType(parentType)
        ? [parentType]
        : [];
    const denied =
      owners.length === 0 || owners.some((owner) => !mayRead(this.visibility, owner.name, name, this.role));
    if (denied) {
      this.removed.push({ path: responsePath, coordinate: `${parentType.name}.${name}` });
      this.nullPaths.push(responsePath);
      return undefined;
    }
    if (!field.selectionSet) return field;
    const fieldType = this.fieldType(parentType, name);
    if (!fieldType) return field;
    const selectionSet = this.selectionSet(field.selectionSet, fieldType, responsePath);
    if (!selectionSet) {
      this.nullPaths.push(responsePath);
      return undefined;
    }
    return { ...field, selectionSet };
  }

  private fieldType(parentType: GraphQLCompositeType, name: string): GraphQLCompositeType | undefined {
    if (!(parentType instanceof GraphQLObjectType) && !isInterfaceType(parentType)) return undefined;
    const definition = parentType.getFields()[name];
    const named = definition && getNamedType(definition.type);
    return named && isCompositeType(named) ? named : undefined;
  }

  private compositeType(name: string): GraphQLCompositeType | undefined {
    const type = this.schema.getType(name);
    return type && isCompositeType(type) ? type : undefined;
  }
}

/** Drops variable definitions no longer used once fields were removed. */
function withoutUnusedVariables(operation: OperationDefinitionNode): OperationDefinitionNode {
  const used = new Set<string>();
  visit(operation.selectionSet, {
    Variable(node) {
      used.add(node.name.value);
    },
  });
  return {
    ...operation,
    variableDefinitions: operation.variableDefinitions?.filter((definition) =>
      used.has(definition.variable.name.value),
    ),
  };
}

/**
 * Filters one operation for one role. Operations that do not validate are left alone:
 * Apollo Server rejects them with its usual errors, and nothing executes.
 */
export function filterOperation(
  schema: GraphQLSchema,
  visibility: VisibilityMap,
  role: Role,
  query: string,
  operationName?: string | null,
): FilteredOperation {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return NOTHING_REMOVED;
  }
  if (validate(schema, document).length > 0) return NOTHING_REMOVED;
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return NOTHING_REMOVED;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return NOTHING_REMOVED;

  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const filter = new OperationFilter(schema, visibility, role, fragments);
  const selectionSet = filter.selectionSet(operation.selectionSet, rootType, []);
  if (filter.removed.length === 0) return NOTHING_REMOVED;
  if (!selectionSet)
    return {
      // Under the client's own name, which the placeholder keeps for the gateway's metrics (platform/metrics.ts).
      query: operation.name ? `query ${operation.name.value} { __typename }` : PLACEHOLDER_QUERY,
      removed: filter.removed,
      nullPaths: filter.nullPaths,
      placeholder: true,
    };
  const filtered = withoutUnusedVariables({ ...operation, selectionSet });
  // Only the chosen operation goes on, with its fragments inlined.
  return {
    query: print({ kind: Kind.DOCUMENT, definitions: [filtered] }),
    removed: filter.removed,
    nullPaths: filter.nullPaths,
    placeholder: false,
  };
}

/** Writes `null` at every path (through lists) where the parent object exists. */
export function applyNulls(data: Record<string, unknown>, paths: string[][]): void {
  const setNull = (value: unknown, path: string[]): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) setNull(item, path);
      return;
    }
    if (typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    const [head, ...rest] = path;
    if (rest.length === 0) record[head] = null;
    else setNull(record[head], rest);
  };
  for (const path of paths) setNull(data, path);
}
