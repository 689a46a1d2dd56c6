/**
 * Apollo Server plugin that applies the field filter before parsing and planning and
 * restores the response's shape afterwards. The filtered text replaces the query, so
 * Apollo's document and query-plan caches key on what each role may ask: one role's
 * plan is never served to another.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { Role } from "../platform/auth/claims";
import type { GraphQLSchema } from "graphql";
import { LRUCache } from "lru-cache";
import { ErrorCode } from "../platform/errors";
import type { Logger } from "../platform/logger";
import { countPolicyRefusals } from "../platform/metrics";
import type { GatewayContext } from "./context";
import {
  applyNulls,
  filterOperation,
  type FilteredOperation,
  visibilityFromSupergraph,
  type VisibilityMap,
} from "./field-filter";

/**
 * The plugin, and the visibility it read from the supergraph: the argument rules
 * (platform/policy/argument-rules.ts) are checked against the same map, not a second copy.
 */
export type FieldFilterPlugin = ApolloServerPlugin<GatewayContext> & {
  mayUse(role: Role, coordinate: string): boolean;
};

export function fieldFilterPlugin(options: { cacheSize: number; log: Logger }): FieldFilterPlugin {
  let schema: GraphQLSchema | undefined;
  let visibility: VisibilityMap = new Map();
  // Filtering parses and validates; cache the result per role and query text.
  // Bounded by text size as well as count: distinct large operations must not fill the memory.
  const cache = new LRUCache<string, FilteredOperation>({
    max: options.cacheSize,
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (filtered, key) => key.length + (filtered.query?.length ?? 0),
  });

  return {
    mayUse: (role, coordinate) => visibility.get(coordinate)?.has(role) ?? false,

    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          schema = apiSchema;
          visibility = coreSupergraphSdl ? visibilityFromSupergraph(coreSupergraphSdl) : new Map();
          cache.clear();
        },
      };
    },

    async requestDidStart({ request, contextValue }) {
      const query = request.query;
      if (!schema || typeof query !== "string") return;
      const role = contextValue.caller.role;
      const key = `${role}\u0000${request.operationName ?? ""}\u0000${query}`;
      let filtered = cache.get(key);
      if (!filtered) {
        filtered = filterOperation(schema, visibility, role, query, request.operationName);
        cache.set(key, filtered);
      }
      if (filtered.removed.length === 0) return;
      countPolicyRefusals("field", filtered.removed.length);
      contextValue.filtered = filtered;
      // The owning subgraph never sees a field removed here, so its audit trail cannot record
      // the refusal: the gateway's log does (coordinates only, never arguments or values).
      const { caller, requestId } = contextValue;
      options.log.warn(
        {
          requestId,
          org: caller.org,
          role: caller.role,
          refused: filtered.removed.map((removed) => removed.coordinate),
        },
        "fields refused by the access policy",
      );
      request.query = filtered.query;
      if (filtered.placeholder) request.operationName = undefined;

      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          const active = contextValue.filtered!;
          if (active.placeholder) result.data = {};
          if (result.data) applyNulls(result.data, active.nullPaths);
          const denied = active.removed.map((removed) => ({
            message: `Unauthorized field or type: ${removed.coordinate}`,
            path: removed.path,
            extensions: { code: ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, requestId: contextValue.requestId },
          }));
          result.errors = [...(result.errors ?? []), ...denied];
        },
      };
    },
  };
}
