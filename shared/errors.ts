/**
 * The hub's error vocabulary. Every error a client sees carries one of these codes in
 * `extensions.code`; the message is written for a person, and nothing internal
 * (stack, SQL, host names, file paths) ever leaves the process.
 */
import { GraphQLError, type GraphQLFormattedError } from "graphql";

export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED_FIELD_OR_TYPE: "UNAUTHORIZED_FIELD_OR_TYPE",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  CONFLICT: "CONFLICT",
  CAPACITY_EXCEEDED: "CAPACITY_EXCEEDED",
  INVALID_TRANSITION: "INVALID_TRANSITION",
  CONSENT_REQUIRED: "CONSENT_REQUIRED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes that a client may see with their own message; anything else is masked. */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  // Apollo Server's own client-error codes.
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

export function hubError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** The one answer for "no such record" and "a record you may not see": no existence oracle. */
export function notFound(typeName: string): GraphQLError {
  return hubError(ErrorCode.NOT_FOUND, `${typeName} not found`);
}

const INTERNAL_MESSAGE = "Internal error; quote the request id to the hub's operators.";

/**
 * Apollo `formatError` for gateway and subgraphs: keeps the code, the message of
 * client errors and the path; drops stack traces, `exception` details and anything a
 * server error carried. Unknown errors become INTERNAL_SERVER_ERROR with no detail.
 */
export function formatClientError(formatted: GraphQLFormattedError, requestId?: string): GraphQLFormattedError {
  const code = typeof formatted.extensions?.code === "string" ? formatted.extensions.code : undefined;
  const safeExtensions: Record<string, unknown> = {};
  for (const key of ["code", "serviceName", "currentVersion", "currentState", "allowedTransitions", "rowErrors"]) {
    if (formatted.extensions?.[key] !== undefined) safeExtensions[key] = formatted.extensions[key];
  }
  if (requestId) safeExtensions.requestId = requestId;
  if (code && PUBLIC_CODES.has(code)) {
    return { message: formatted.message, path: formatted.path, locations: formatted.locations, extensions: safeExtensions };
  }
  return {
    message: INTERNAL_MESSAGE,
    path: formatted.path,
    extensions: { ...(requestId ? { requestId } : {}), code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
