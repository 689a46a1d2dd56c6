/**
 * The hub's error vocabulary. Every error a client sees carries one of these codes in
 * `extensions.code`; the message is written for a person, and nothing internal
 * (stack, SQL, host names, file paths) ever leaves the process.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type GraphQLFormattedError } from "graphql";

export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED_FIELD_OR_TYPE: "UNAUTHORIZED_FIELD_OR_TYPE",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** Not a GraphQL request at all (its body's shape). */
  BAD_REQUEST: "BAD_REQUEST",
  CONFLICT: "CONFLICT",
  CAPACITY_EXCEEDED: "CAPACITY_EXCEEDED",
  INVALID_TRANSITION: "INVALID_TRANSITION",
  CONSENT_REQUIRED: "CONSENT_REQUIRED",
  /** A government legal hold stands on the case: it may not be erased until the hold is lifted. */
  LEGAL_HOLD: "LEGAL_HOLD",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  RATE_LIMITED: "RATE_LIMITED",
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes that a client may see with their own message; anything else is masked. */
const PUBLIC_CODES = new Set<string>([
  // INTERNAL_SERVER_ERROR is what Apollo calls any error it does not know: never passed on as it is.
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  // Apollo Server's own client-error codes.
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

/** Driver and server codes that mean "the database cannot be reached now" (connection lost, shutting down, starting up). */
const DATABASE_DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
]);
const DATABASE_DOWN_MESSAGES =
  /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|timeout exceeded when trying to connect/i;

function databaseUnavailable(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth += 1) {
    const candidate = cause as { code?: unknown; message?: unknown; driverError?: unknown; originalError?: unknown };
    if (typeof candidate.code === "string" && DATABASE_DOWN_CODES.has(candidate.code)) return true;
    if (typeof candidate.message === "string" && DATABASE_DOWN_MESSAGES.test(candidate.message)) return true;
    cause = candidate.driverError ?? candidate.originalError;
  }
  return false;
}

interface ErrorLog {
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * Apollo `formatError` for gateway and subgraphs: keeps the code, the message of
 * client errors and the path; drops stack traces, `exception` details and anything a
 * server error carried. A lost database becomes SERVICE_UNAVAILABLE; any other unknown
 * error becomes INTERNAL_SERVER_ERROR with no detail, and is logged (message only, with
 * the request id: driver details can hold personal values).
 */
/** graphql-js's own client errors that come without a code: the request's fault, said as such. */
const CODELESS_CLIENT_ERRORS = /^Too many errors processing variables, error limit reached\. Execution aborted\.$/;

export function formatClientError(
  formatted: GraphQLFormattedError,
  requestId?: string,
  error?: unknown,
  log?: ErrorLog,
): GraphQLFormattedError {
  const given = typeof formatted.extensions?.code === "string" ? formatted.extensions.code : undefined;
  const code = given ?? (CODELESS_CLIENT_ERRORS.test(formatted.message) ? ErrorCode.BAD_USER_INPUT : undefined);
  const safeExtensions: Record<string, unknown> = {};
  if (code) safeExtensions.code = code;
  for (const key of ["serviceName", "currentVersion", "currentState", "allowedTransitions", "rowErrors"]) {
    if (formatted.extensions?.[key] !== undefined) safeExtensions[key] = formatted.extensions[key];
  }
  if (requestId) safeExtensions.requestId = requestId;
  if (code && PUBLIC_CODES.has(code)) {
    // graphql-js names its token limit in the message; the hub never reveals a limit's value.
    const message = /^Syntax Error: Document contains more th/.test(formatted.message)
      ? "Syntax Error: the operation is too long"
      : formatted.message;
    return { message, path: formatted.path, locations: formatted.locations, extensions: safeExtensions };
  }
  if (databaseUnavailable(error)) {
    return {
      message: "The database is unavailable for a moment; try again shortly",
      path: formatted.path,
      extensions: { ...(requestId ? { requestId } : {}), code: ErrorCode.SERVICE_UNAVAILABLE },
    };
  }
  // A stable code of the platform's own (e.g. DATA_DECRYPTION_FAILED) goes into the log line, for alerts to match.
  const cause = (error as { originalError?: unknown } | undefined)?.originalError ?? error;
  const internalCode = (cause as { code?: unknown } | undefined)?.code;
  log?.error(
    {
      requestId,
      ...(typeof internalCode === "string" && /^[A-Z][A-Z_]{2,63}$/.test(internalCode) ? { code: internalCode } : {}),
      err: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    },
    "internal error",
  );
  return {
    message: INTERNAL_MESSAGE,
    path: formatted.path,
    extensions: { ...(requestId ? { requestId } : {}), code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * Which request each error belongs to. Apollo's `formatError` is given the error but no
 * context, so `requestIdPlugin` notes the id on the errors of an operation before Apollo
 * formats them (didEncounterErrors runs first), and the formatter looks it up: the request
 * id reaches error answers and logs without a request-wide AsyncLocalStorage.
 */
const requestIds = new WeakMap<object, string>();

/** Notes the request an error (about to be formatted) belongs to. */
export function noteRequestId(error: unknown, requestId: string | undefined): void {
  if (requestId && error !== null && typeof error === "object") requestIds.set(error, requestId);
}

/** The request id noted on an error or on one it wraps (Apollo wraps what a context function throws). */
export function requestIdOfError(error: unknown): string | undefined {
  for (let cause: unknown = error, depth = 0; cause !== null && typeof cause === "object" && depth < 5; depth += 1) {
    const requestId = requestIds.get(cause);
    if (requestId) return requestId;
    cause = (cause as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/**
 * Notes the request id on every error of an operation, for `formatError` (see requestIds),
 * and sets it on the formatted errors of the answer itself: an error object shared by two
 * requests (a constant thrown twice) must never carry one request's id into another's answer.
 */
export function requestIdPlugin<Context extends { requestId: string }>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const { requestId } = contextValue;
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) noteRequestId(error, requestId);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          if (!result.errors?.some((error) => error.extensions?.requestId !== requestId)) return;
          result.errors = result.errors.map((error) => ({ ...error, extensions: { ...error.extensions, requestId } }));
        },
      };
    },
  };
}

/** The `formatError` of the gateway and the subgraphs: formatClientError with the request the error belongs to. */
export function clientErrorFormatter(
  log: ErrorLog,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => formatClientError(formatted, requestIdOfError(error), error, log);
}
