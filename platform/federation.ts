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
  type InputValueDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  print,
  type StringValueNode,
  visit,
} from "graphql";
import { buildSchema, type BuildSchemaOptions, createResolversMap } from "type-graphql";
import type { Role } from "./auth/claims";
import { argumentCoordinate, argumentRoles } from "./policy/argument-rules";
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

export interface FederatedSchemaOptions extends Omit<BuildSchemaOptions, "skipCheck"> {
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

export async function buildFederatedSchema(options: FederatedSchemaOptions): Promise<FederatedSchema> {
  const { policy, referenceResolvers, ...buildOptions } = options;
  const typeGraphQLSchema = await buildSchema({ ...buildOptions, skipCheck: true });
  const printed = printSchemaWithDirectives(typeGraphQLSchema);
  const {
    document,
    unpoliced,
    argumentRoles: decided,
  } = annotateWithPolicy(parse(FEDERATION_HEADER + printed), policy);
  const resolvers = createResolversMap(typeGraphQLSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, typeResolvers] of Object.entries(referenceResolvers ?? {})) {
    resolvers[typeName] = {
      ...(resolvers[typeName] as object),
      ...(typeResolvers as object),
    } as GraphQLResolverMap<unknown>[string];
  }
  const schema = buildSubgraphSchema({ typeDefs: document, resolvers });
  // The same text `_service { sdl }` answers: what composition reads.
  return { schema, sdl: print(document), unpoliced, argumentRoles: decided };
}
