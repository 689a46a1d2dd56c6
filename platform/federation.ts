/**
 * type-graphql classes → an Apollo Federation 2 subgraph schema, in the way of
 * type-graphql's federation example: build with type-graphql, print with directives,
 * then `buildSubgraphSchema` with the same resolvers plus the reference resolvers.
 * On the way, the access policy is written into the SDL: every field gets the hub's
 * `@visibleTo(roles: [...])` directive (composed into the supergraph through
 * `@composeDirective`) and a "Visible to: ..." line in its description.
 */
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  GraphQLSchema,
  isObjectType,
  type InputValueDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  print,
  type StringValueNode,
  visit,
} from "graphql";
import { buildSchema, type BuildSchemaOptions, createResolversMap, getMetadataStorage } from "type-graphql";
import type { Role } from "./auth/claims";
import { argumentCoordinate, argumentRoles } from "./policy/argument-rules";
import { installFieldRules } from "./policy/field-resolvers";
import { conditionsInWords, describeRoles, type SubgraphPolicy } from "./policy/types";

export const ACCESS_SPEC_URL = "https://survivor-hub.org/access/v1.0";
export const VISIBLE_TO_DIRECTIVE = "visibleTo";

const FEDERATION_HEADER = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@external", "@requires", "@inaccessible", "@composeDirective"])
  @link(url: "${ACCESS_SPEC_URL}", import: ["@${VISIBLE_TO_DIRECTIVE}"])
  @composeDirective(name: "@${VISIBLE_TO_DIRECTIVE}")

"""
Survivor Hub access policy: the roles that may ever see this field. Which records they
see is decided by the owning subgraph; see docs/access-matrix.md.
"""
directive @${VISIBLE_TO_DIRECTIVE}(roles: [String!]!, condition: String) on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
`;

/** Types the federation machinery adds or that carry no data of their own. */
const UNPOLICED_TYPES = new Set(["_Service", "_Entity"]);

function visibleToDirective(roles: readonly string[], condition?: string): ConstDirectiveNode {
  const args: ConstDirectiveNode["arguments"] = [
    {
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: "roles" },
      value: { kind: Kind.LIST, values: roles.map((role) => ({ kind: Kind.STRING, value: role })) },
    },
    ...(condition
      ? [
          {
            kind: Kind.ARGUMENT,
            name: { kind: Kind.NAME, value: "condition" },
            value: { kind: Kind.STRING, value: condition },
          } as const,
        ]
      : []),
  ];
  return { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: VISIBLE_TO_DIRECTIVE }, arguments: args };
}

function withVisibilityLine(description: StringValueNode | undefined, line: string): StringValueNode {
  const text = description?.value ? `${description.value}\n\n${line}` : line;
  return { kind: Kind.STRING, value: text, block: true };
}

/** Writes the argument rules (policy/argument-rules.ts) onto every argument and input field. */
function annotateArguments(document: DocumentNode, roles: ReadonlyMap<string, readonly Role[]>): DocumentNode {
  let owner: string | undefined;
  let field: string | undefined;
  const enterType = (node: { name: { value: string } }) => {
    owner = node.name.value;
  };
  return visit(document, {
    ObjectTypeDefinition: { enter: enterType },
    ObjectTypeExtension: { enter: enterType },
    InputObjectTypeDefinition: { enter: enterType },
    InputObjectTypeExtension: { enter: enterType },
    FieldDefinition: {
      enter(node) {
        field = node.name.value;
      },
      leave() {
        field = undefined;
      },
    },
    InputValueDefinition(node: InputValueDefinitionNode) {
      if (!owner) return undefined;
      const coordinate = field ? argumentCoordinate(owner, field, node.name.value) : `${owner}.${node.name.value}`;
      const allowed = roles.get(coordinate);
      if (!allowed) return undefined;
      return { ...node, directives: [...(node.directives ?? []), visibleToDirective(allowed)] };
    },
  });
}

/** Writes the policy into the SDL; a field with no policy entry is reported, not guessed. */
export function annotateWithPolicy(
  document: DocumentNode,
  policy: SubgraphPolicy,
): { document: DocumentNode; unpoliced: string[]; argumentRoles: ReadonlyMap<string, readonly Role[]> } {
  const unpoliced: string[] = [];
  let currentType: string | undefined;
  const annotated = visit(document, {
    ObjectTypeDefinition: {
      enter(node: ObjectTypeDefinitionNode) {
        currentType = node.name.value;
      },
    },
    ObjectTypeExtension: {
      enter(node) {
        currentType = node.name.value;
      },
    },
    FieldDefinition(node: FieldDefinitionNode) {
      if (!currentType || UNPOLICED_TYPES.has(currentType) || node.name.value.startsWith("_")) return undefined;
      const rule = policy[currentType]?.fields[node.name.value];
      if (!rule) {
        unpoliced.push(`${currentType}.${node.name.value}`);
        return undefined;
      }
      const condition = conditionsInWords(rule);
      const line = `Visible to: ${describeRoles(rule.roles)}${condition ? ` (${condition})` : ""}.`;
      return {
        ...node,
        description: withVisibilityLine(node.description, line),
        directives: [...(node.directives ?? []), visibleToDirective(rule.roles, condition)],
      };
    },
  });
  const argumentsDecided = argumentRoles(annotated, policy);
  return {
    document: annotateArguments(annotated, argumentsDecided.roles),
    unpoliced: [...unpoliced, ...argumentsDecided.unpoliced],
    argumentRoles: argumentsDecided.roles,
  };
}

export interface FederatedSchemaOptions extends Omit<BuildSchemaOptions, "skipCheck" | "globalMiddlewares"> {
  policy: SubgraphPolicy;
  // Reference resolvers have Apollo's loose resolver-map type.
  referenceResolvers?: GraphQLResolverMap<unknown>;
}

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The subgraph SDL as composition sees it (with federation and policy directives). */
  sdl: string;
  /** Fields (and arguments of reads) that have no policy entry: a test fails while this is non-empty. */
  unpoliced: string[];
  /** Every argument and input field → the roles that may use it (policy/argument-rules.ts). */
  argumentRoles: ReadonlyMap<string, readonly Role[]>;
}

/** Every field of every object type the subgraph's own classes define: what its policy rules (closed by default). */
function policedFields(schema: GraphQLSchema): Map<string, Set<string>> {
  const policed = new Map<string, Set<string>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    policed.set(type.name, new Set(Object.keys(type.getFields())));
  }
  return policed;
}

/**
 * The fields whose type-graphql resolver is only its "basic" one, `root[name]` (a `@Field` on a
 * property, same name in the schema, no field resolver, middleware or roles): graphql-js's default
 * resolver does the same without a closure and an object per call. Decided from type-graphql's
 * metadata; where two classes share a type name (entity stubs of several subgraphs in one process)
 * a field counts only if no class of that name gives it more, so in doubt type-graphql's resolver stays.
 */
function plainPropertyFields(): (typeName: string, fieldName: string) => boolean {
  const storage = getMetadataStorage();
  const typeNamesOf = new Map<unknown, Set<string>>();
  for (const objectType of storage.objectTypes) {
    const names = typeNamesOf.get(objectType.target) ?? new Set<string>();
    names.add(objectType.name);
    typeNamesOf.set(objectType.target, names);
  }
  const notPlain = new Set<string>();
  const anyType = new Set<string>();
  const mark = (target: unknown, fieldName: string) => {
    const names = typeNamesOf.get(target);
    if (!names) anyType.add(fieldName);
    else for (const name of names) notPlain.add(`${name}.${fieldName}`);
  };
  for (const resolver of storage.fieldResolvers) {
    let target: unknown = resolver.target;
    if (resolver.kind === "external") {
      try {
        target = resolver.getObjectType?.();
      } catch {
        target = undefined;
      }
    }
    for (const fieldName of [resolver.schemaName, resolver.methodName]) mark(target, fieldName);
  }
  for (const field of storage.fields) {
    if (field.name !== field.schemaName || (field.middlewares?.length ?? 0) > 0 || (field.roles?.length ?? 0) > 0)
      for (const fieldName of [field.schemaName, field.name]) mark(field.target, fieldName);
  }
  for (const interfaceType of storage.interfaceTypes) {
    for (const field of interfaceType.fields ?? []) anyType.add(field.schemaName);
  }
  return (typeName, fieldName) => !anyType.has(fieldName) && !notPlain.has(`${typeName}.${fieldName}`);
}

export async function buildFederatedSchema(options: FederatedSchemaOptions): Promise<FederatedSchema> {
  const { policy, referenceResolvers, ...buildOptions } = options;
  // No global middlewares: policy, audit and the argument guard are installed per field below (installFieldRules).
  const typeGraphQLSchema = await buildSchema({ ...buildOptions, skipCheck: true });
  const printed = printSchemaWithDirectives(typeGraphQLSchema);
  const {
    document,
    unpoliced,
    argumentRoles: decided,
  } = annotateWithPolicy(parse(FEDERATION_HEADER + printed), policy);
  const resolvers = createResolversMap(typeGraphQLSchema) as GraphQLResolverMap<unknown>;
  const isPlain = plainPropertyFields();
  const policed = policedFields(typeGraphQLSchema);
  const rootTypes = new Set(
    [typeGraphQLSchema.getQueryType(), typeGraphQLSchema.getMutationType(), typeGraphQLSchema.getSubscriptionType()]
      .filter((type) => type !== null && type !== undefined)
      .map((type) => type.name),
  );
  for (const [typeName, fieldNames] of policed) {
    if (rootTypes.has(typeName)) continue;
    const typeResolvers = resolvers[typeName] as Record<string, unknown> | undefined;
    if (!typeResolvers) continue;
    for (const fieldName of fieldNames) if (isPlain(typeName, fieldName)) delete typeResolvers[fieldName];
  }
  for (const [typeName, typeResolvers] of Object.entries(referenceResolvers ?? {})) {
    resolvers[typeName] = {
      ...(resolvers[typeName] as object),
      ...(typeResolvers as object),
    } as GraphQLResolverMap<unknown>[string];
  }
  const schema = buildSubgraphSchema({ typeDefs: document, resolvers });
  installFieldRules(schema, policy, policed);
  // The same text `_service { sdl }` answers: what composition reads.
  return { schema, sdl: print(document), unpoliced, argumentRoles: decided };
}
