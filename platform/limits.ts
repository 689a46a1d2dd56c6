/**
 * Operation limits, the same at the gateway and at every subgraph (a subgraph is no way
 * around them): depth, aliases and directives (GraphQL Armor's validation rules), tokens
 * (graphql-js's own parser limit), estimated cost with list fields costed by their page
 * size (graphql-query-complexity with the estimator below), and root fields. Refusals
 * name the limit, never its value: a limit's number helps only whoever probes it.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  getNullableType,
  getVariableValues,
  GraphQLError,
  isListType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";
import { LRUCache } from "lru-cache";
import { DEFAULT_PAGE_SIZE } from "./page-size";

export interface OperationLimits {
  depth: number;
  aliases: number;
  directives: number;
  tokens: number;
  cost: number;
  rootFields: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  depth: 12,
  aliases: 30,
  directives: 20,
  tokens: 10_000,
  cost: 20_000,
  rootFields: 10,
};

/** How many items a list without a page size is assumed to hold, for the cost estimate. */
const UNPAGED_LIST_ESTIMATE = 10;
/** The most entity representations one subgraph fetch may carry (the largest list a client can get is a 1,000-person registration). */
const MAX_REPRESENTATIONS = 1000;

export const LIMIT_MESSAGES = {
  depth: "The operation is nested too deeply",
  aliases: "The operation uses too many aliases",
  directives: "The operation uses too many directives",
  tokens: "The operation is too long",
  cost: "The operation would cost too much to answer; ask for smaller pages or fewer fields",
  rootFields: "The operation asks for too many root fields at once",
} as const;

function maxRootFieldsRule(limit: number): ValidationRule {
  return (context: ValidationContext) => {
    const countRootFields = (selectionSet: SelectionSetNode, seen: Set<string>): number =>
      selectionSet.selections.reduce((count, selection) => {
        if (selection.kind === Kind.FIELD) return count + (selection.name.value === "__typename" ? 0 : 1);
        if (selection.kind === Kind.INLINE_FRAGMENT) return count + countRootFields(selection.selectionSet, seen);
        const name = selection.name.value;
        const fragment = context.getFragment(name);
        if (!fragment || seen.has(name)) return count;
        seen.add(name);
        return count + countRootFields(fragment.selectionSet, seen);
      }, 0);
    return {
      OperationDefinition(operation) {
        if (countRootFields(operation.selectionSet, new Set()) > limit)
          context.reportError(new GraphQLError(LIMIT_MESSAGES.rootFields, { nodes: [operation] }));
      },
    };
  };
}

/** Validation rules for depth, aliases, directives and root fields. */
export function limitValidationRules(limits: OperationLimits): ValidationRule[] {
  // Armor throws its rejection by default, which a server would answer as an internal
  // error; reported through the validation context instead, it is an ordinary
  // GRAPHQL_VALIDATION_FAILED (HTTP 400) with the hub's own message.
  const refuse = (message: string) => ({
    exposeLimits: false,
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null) => context?.reportError(new GraphQLError(message))],
  });
  return [
    maxDepthRule({
      ...refuse(LIMIT_MESSAGES.depth),
      n: limits.depth,
      ignoreIntrospection: true,
      flattenFragments: true,
    }),
    maxAliasesRule({ ...refuse(LIMIT_MESSAGES.aliases), n: limits.aliases }),
    maxDirectivesRule({ ...refuse(LIMIT_MESSAGES.directives), n: limits.directives }),
    maxRootFieldsRule(limits.rootFields),
  ];
}

/**
 * A field costs 1 plus its children; a list costs its children once per item it may
 * return: `first` items (the default page size when omitted), or a fixed estimate for
 * lists without a page size — `_entities` included, so that a subgraph costs the
 * gateway's fetch as the gateway costed the list it came from (its representations are
 * capped separately). A connection's `edges` are not counted again: the page size
 * already multiplied them.
 */
const pageSizeEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (type.name.endsWith("Connection")) return 1 + childComplexity;
  if (field.args.some((argument) => argument.name === "first"))
    return 1 + (typeof args.first === "number" ? args.first : DEFAULT_PAGE_SIZE) * childComplexity;
  if (isListType(getNullableType(field.type))) return 1 + UNPAGED_LIST_ESTIMATE * childComplexity;
  return 1 + childComplexity;
};

/** Refuses an operation whose estimated cost is over the limit, before it runs. */
/**
 * How many problems in a request's variables are looked for before it is refused. graphql-js's
 * own execute stops at 50; @apollo/gateway coerces with no limit, so a 100 KB list of bad items
 * made 20,000 errors (a 5.6 MB answer and seconds of gateway CPU, for any token holder).
 */
export const MAX_VARIABLE_ERRORS = 50;

export function costLimitPlugin(limits: OperationLimits): ApolloServerPlugin {
  // The same operation with the same variables always costs the same: estimate it once.
  // Bounded by key size too: 2,000 distinct 1 MB operations must not hold 2 GB.
  const costs = new LRUCache<string, number>({
    max: 2000,
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (_cost, key) => key.length,
  });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName, operation }) {
          // Variables first, with graphql-js's own bound: nothing after (the cost estimate, the
          // gateway's executor) coerces a request whose variables do not fit the operation.
          const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], request.variables ?? {}, {
            maxErrors: MAX_VARIABLE_ERRORS,
          });
          if (coerced.errors) {
            const [first] = coerced.errors;
            const more = coerced.errors.length - 1;
            throw new GraphQLError(
              more > 0
                ? `${first.message} (and ${more} more problems in the variables, at most ${MAX_VARIABLE_ERRORS} looked for)`
                : first.message,
              { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } },
            );
          }
          const onlyIntrospection = document.definitions.every(
            (definition) =>
              definition.kind !== Kind.OPERATION_DEFINITION ||
              definition.selectionSet.selections.every(
                (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith("__"),
              ),
          );
          if (onlyIntrospection) return;
          const representations = request.variables?.representations;
          if (Array.isArray(representations) && representations.length > MAX_REPRESENTATIONS) {
            throw new GraphQLError(LIMIT_MESSAGES.cost, {
              extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } },
            });
          }
          const key = `${operationName ?? ""}\u0000${request.query ?? ""}\u0000${JSON.stringify(request.variables ?? {})}`;
          let cost = request.query ? costs.get(key) : undefined;
          if (cost === undefined) {
            try {
              cost = getComplexity({
                schema,
                query: document,
                variables: request.variables ?? {},
                operationName: operationName ?? undefined,
                estimators: [pageSizeEstimator],
              });
            } catch {
              // Variables that do not fit the operation: execution refuses them with BAD_USER_INPUT before any work.
              return;
            }
            if (request.query) costs.set(key, cost);
          }
          if (cost > limits.cost) {
            throw new GraphQLError(LIMIT_MESSAGES.cost, {
              extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/** Apollo Server options shared by the gateway and the subgraphs: limits, suggestions, introspection. */
export function hardenedServerOptions(options: {
  limits: OperationLimits;
  production: boolean;
  introspection: boolean;
}) {
  return {
    validationRules: limitValidationRules(options.limits),
    parseOptions: { maxTokens: options.limits.tokens },
    // "Did you mean …?" maps the schema for whoever probes it; off in production.
    hideSchemaDetailsFromClientErrors: options.production,
    introspection: options.introspection,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
  };
}
