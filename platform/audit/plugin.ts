/**
 * Apollo Server plugin of every subgraph: names the operation for the audit, and
 * appends the request's read entries (with those of concurrent requests: AuditAppender)
 * before the response leaves. If the append fails
 * the response is replaced by an error — no unaudited access.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { SubgraphContext } from "../context";
import { ErrorCode } from "../errors";
import type { Logger } from "../logger";
import { admissibleOperationName } from "../metric-labels";
import { requestScope } from "../request-scope";
import type { AuditAppender } from "./audit-log";

/**
 * The operation name an entry keeps. It is the client's own text, and the trail is what no
 * erasure touches: a partner app naming its operation after a person or a document number
 * would put that value where it outlives the person's erasure. Only a plain name is kept —
 * the metrics' rule: a GraphQL name of at most 64 characters with at most 4 digits (more is
 * likelier an id, a date, a case or document number) — anything else is "other".
 */
export function auditedOperationName(name: string | null | undefined): string {
  if (!name) return "anonymous";
  return admissibleOperationName(name) ? name : "other";
}

export function auditPlugin(appender: AuditAppender, log: Logger): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          contextValue.audit.operation = auditedOperationName(operationName);
        },
        // After execution, before the response is sent (and before the statement count is read).
        async executionDidStart(requestContext) {
          return {
            async executionDidEnd() {
              const { contextValue, response } = requestContext;
              const entries = contextValue.audit.readEntries();
              if (entries.length === 0) return;
              try {
                // The request's diagnostic counters, if counted per request (none in production: no scope is ever entered).
                await appender.append(entries, requestScope.getStore());
              } catch (error) {
                log.error(
                  { err: (error as Error).message, requestId: contextValue.requestId },
                  "audit append failed; answer withheld",
                );
                response.body = {
                  kind: "single",
                  singleResult: {
                    errors: [
                      {
                        message: "The read could not be audited, so it is not answered; try again",
                        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, requestId: contextValue.requestId },
                      },
                    ],
                  },
                };
              }
            },
          };
        },
      };
    },
  };
}
