/**
 * Arguments obey field rules. An argument that filters, sorts or groups by a field tells
 * the caller that field's value for every record it returns (`victims(filter: {nrmStatus:
 * SCREENING})` lists exactly the people in screening), so it is usable only by the roles
 * that may read the field. From a subgraph's policy and SDL this module decides, for every
 * argument (`Query.victims(filter:)`) and every input field (`VictimFilter.nrmStatus`),
 * the roles that may use it; the schema builder writes them into the SDL as `@visibleTo`
 * (so the gateway enforces the same rule) and the subgraph enforces them itself
 * (refusedArguments below, through argumentPolicyPlugin).
 *
 * Closed by default: an argument of a read with no rule is usable by nobody (and reported
 * by the schema builder). A mutation's arguments are what it writes: they carry the
 * mutation's roles, and its resolver runs its conditions with `enforce` (enforce.ts) on the record it loads.
 */
import {
  type DocumentNode,
  getNullableType,
  type GraphQLInputType,
  type GraphQLSchema,
  isInputObjectType,
  isInputType,
  isIntrospectionType,
  isListType,
  Kind,
  type TypeNode,
  typeFromAST,
  TypeInfo,
  type ValueNode,
  valueFromAST,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Role } from "../auth/claims";
import { ErrorCode, hubError } from "../errors";
import { countPolicyRefusals } from "../metrics";
import { PLUMBING_ARGUMENTS, type ArgumentRule, type SubgraphPolicy } from "./types";

/** `Type.field(arg:)` for an argument, `Input.field` for an input field. */
export function argumentCoordinate(typeName: string, fieldName: string, argumentName: string): string {
  return `${typeName}.${fieldName}(${argumentName}:)`;
}

export interface ArgumentRoles {
  /** Every argument and input field of the SDL → the roles that may use it. */
  roles: Map<string, readonly Role[]>;
  /** Arguments and input fields of reads that have no rule: usable by nobody. */
  unpoliced: string[];
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

const intersect = (a: readonly Role[], b: readonly Role[]) => a.filter((role) => b.includes(role));

/** Decides the roles of every argument and input field of a subgraph's SDL from its policy. */
export function argumentRoles(document: DocumentNode, policy: SubgraphPolicy): ArgumentRoles {
  const inputFields = new Map<string, Array<{ name: string; type: string }>>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) {
      const fields = inputFields.get(definition.name.value) ?? [];
      for (const field of definition.fields ?? [])
        fields.push({ name: field.name.value, type: namedTypeOf(field.type) });
      inputFields.set(definition.name.value, fields);
    }
  }
  const roles = new Map<string, readonly Role[]>();
  const reads = new Map<string, Array<readonly Role[]>>();
  const writes = new Map<string, Set<Role>>();
  const unpoliced: string[] = [];

  const testedRoles = (coordinate: string, where: string): readonly Role[] => {
    const [typeName, fieldName] = coordinate.split(".");
    const rule = policy[typeName]?.fields[fieldName];
    // A rule naming a field the policy does not know is a mistake to stop at, not to guess.
    if (!rule)
      throw new Error(`The argument rule of ${where} tests ${coordinate}, which has no policy entry in this subgraph`);
    return rule.roles;
  };

  /** Roles of an input type's fields, read through `rules` (undefined: written by a mutation). */
  const walkInput = (
    typeName: string,
    rules: Record<string, ArgumentRule> | undefined,
    allowed: readonly Role[],
    seen: Set<string>,
  ): void => {
    const fields = inputFields.get(typeName);
    if (!fields || seen.has(typeName)) return;
    seen.add(typeName);
    for (const field of fields) {
      const coordinate = `${typeName}.${field.name}`;
      if (!rules) {
        const union = writes.get(coordinate) ?? new Set<Role>();
        for (const role of allowed) union.add(role);
        writes.set(coordinate, union);
        walkInput(field.type, undefined, allowed, seen);
        continue;
      }
      const rule = rules[field.name];
      if (!rule) {
        unpoliced.push(coordinate);
        reads.set(coordinate, [...(reads.get(coordinate) ?? []), []]);
        continue;
      }
      const fieldRoles = "tests" in rule ? intersect(allowed, testedRoles(rule.tests, coordinate)) : allowed;
      reads.set(coordinate, [...(reads.get(coordinate) ?? []), fieldRoles]);
      if ("fields" in rule) walkInput(field.type, rule.fields, fieldRoles, seen);
    }
    seen.delete(typeName);
  };

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = definition.name.value;
    for (const field of definition.fields ?? []) {
      if (field.name.value.startsWith("_") || !field.arguments?.length) continue;
      const fieldRule = policy[typeName]?.fields[field.name.value];
      for (const argument of field.arguments) {
        const coordinate = argumentCoordinate(typeName, field.name.value, argument.name.value);
        const argumentType = namedTypeOf(argument.type);
        if (!fieldRule) {
          roles.set(coordinate, []);
          continue;
        }
        if (typeName === "Mutation") {
          roles.set(coordinate, fieldRule.roles);
          walkInput(argumentType, undefined, fieldRule.roles, new Set());
          continue;
        }
        const rule: ArgumentRule | undefined =
          fieldRule.arguments?.[argument.name.value] ??
          (PLUMBING_ARGUMENTS[argument.name.value] ? { open: PLUMBING_ARGUMENTS[argument.name.value] } : undefined);
        if (!rule) {
          unpoliced.push(coordinate);
          roles.set(coordinate, []);
          continue;
        }
        const argumentRolesNow =
          "tests" in rule ? intersect(fieldRule.roles, testedRoles(rule.tests, coordinate)) : fieldRule.roles;
        roles.set(coordinate, argumentRolesNow);
        if ("fields" in rule) walkInput(argumentType, rule.fields, argumentRolesNow, new Set());
      }
    }
  }
  // An input field read somewhere takes the strictest of its read rules; one only written, every writer's roles.
  for (const [coordinate, contributions] of reads)
    roles.set(
      coordinate,
      contributions.reduce((a, b) => intersect(a, b)),
    );
  for (const [coordinate, union] of writes) if (!reads.has(coordinate)) roles.set(coordinate, [...union]);
  return { roles, unpoliced };
}

/** One argument an operation gives, as its document says (the value may name variables). */
interface ArgumentUse {
  coordinate: string;
  type: GraphQLInputType;
  node: ValueNode;
  /** The value when the node names no variable: decided with the document, the same for every request. */
  constant?: { value: unknown };
}

/** What an operation's document says about its arguments, whatever the request's variables. */
interface DocumentArguments {
  uses: ArgumentUse[];
  /** Every operation's variable defaults, as values. */
  defaults: Record<string, unknown>;
}

// Per schema and parsed document (Apollo keeps one DocumentNode per query text): the walk is done once.
const decidedArguments = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentArguments>>();

function namesVariable(node: ValueNode): boolean {
  switch (node.kind) {
    case Kind.VARIABLE:
      return true;
    case Kind.LIST:
      return node.values.some(namesVariable);
    case Kind.OBJECT:
      return node.fields.some((field) => namesVariable(field.value));
    default:
      return false;
  }
}

function documentArguments(schema: GraphQLSchema, document: DocumentNode): DocumentArguments {
  let bySchema = decidedArguments.get(schema);
  if (!bySchema) decidedArguments.set(schema, (bySchema = new WeakMap()));
  const known = bySchema.get(document);
  if (known) return known;

  // A variable's default counts as a value given: `query ($s: NrmStatus = SCREENING)` filters
  // as surely as `variables: {s: "SCREENING"}`. Defaults of every operation in the document,
  // overridden by what the request sends (stricter than per-operation scoping, never looser).
  const defaults: Record<string, unknown> = {};
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (!variable.defaultValue) continue;
      const type = typeFromAST(schema, variable.type);
      const value: unknown = type && isInputType(type) ? valueFromAST(variable.defaultValue, type) : undefined;
      if (value !== undefined) defaults[variable.variable.name.value] = value;
    }
  }

  const uses: ArgumentUse[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const definition = typeInfo.getFieldDef();
        // Introspection's own arguments (`__Type.fields(includeDeprecated:)`) filter no record:
        // introspection is governed by its own setting (HUB_INTROSPECTION), not by field rules.
        if (!parent || !definition || node.name.value.startsWith("_") || isIntrospectionType(parent)) return;
        for (const argumentNode of node.arguments ?? []) {
          const argument = definition.args.find((candidate) => candidate.name === argumentNode.name.value);
          if (!argument) continue;
          const use: ArgumentUse = {
            coordinate: argumentCoordinate(parent.name, definition.name, argument.name),
            type: argument.type,
            node: argumentNode.value,
          };
          if (!namesVariable(argumentNode.value))
            use.constant = { value: valueFromAST(argumentNode.value, argument.type) };
          uses.push(use);
        }
      },
    }),
  );
  const decided = { uses, defaults };
  bySchema.set(document, decided);
  return decided;
}

/**
 * The arguments and input fields an operation uses (with a non-null value, literal or
 * from its variables) that `mayUse` refuses, as coordinates. Used by the gateway (from the
 * supergraph's `@visibleTo`) and by each subgraph (from its policy). The document's walk is
 * decided once per document; per request only the values (variables over defaults) are read.
 */
export function refusedArguments(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  mayUse: (coordinate: string) => boolean,
): string[] {
  const { uses, defaults } = documentArguments(schema, document);
  if (uses.length === 0) return [];
  const refused = new Set<string>();

  const inspectInput = (type: GraphQLInputType, value: unknown): void => {
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      for (const item of Array.isArray(value) ? value : [value]) inspectInput(nullable.ofType, item);
      return;
    }
    if (!isInputObjectType(nullable) || typeof value !== "object") return;
    const fields = nullable.getFields();
    for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (!field || fieldValue === null || fieldValue === undefined) continue;
      const coordinate = `${nullable.name}.${name}`;
      if (!mayUse(coordinate)) refused.add(coordinate);
      inspectInput(field.type, fieldValue);
    }
  };

  const values: Record<string, unknown> = { ...defaults, ...(variables ?? {}) };
  for (const use of uses) {
    const value: unknown = use.constant ? use.constant.value : valueFromAST(use.node, use.type, values);
    if (value === null || value === undefined) continue;
    if (!mayUse(use.coordinate)) refused.add(use.coordinate);
    inspectInput(use.type, value);
  }
  return [...refused];
}

/** The answer to an operation that uses an argument its caller may not: refused whole, before anything runs. */
export function argumentsRefused(coordinates: string[]) {
  return hubError(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, `Unauthorized argument: ${coordinates.join(", ")}`, {
    http: { status: 403 },
  });
}

/**
 * Refuses, once the operation is parsed and validated and before it executes (or is
 * planned, at the gateway), any operation that uses an argument or input field its
 * caller's role may not use. `mayUse(role, coordinate)`.
 */
export function argumentPolicyPlugin<Context extends { caller: { role: Role } }>(
  mayUse: (role: Role, coordinate: string) => boolean,
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, contextValue, schema }) {
          const role = contextValue.caller.role;
          const refused = refusedArguments(schema, document, request.variables, (coordinate) =>
            mayUse(role, coordinate),
          );
          if (refused.length > 0) {
            countPolicyRefusals("argument", refused.length);
            throw argumentsRefused(refused.sort());
          }
        },
      };
    },
  };
}
