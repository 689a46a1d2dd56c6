/**
 * Input validation for every subgraph: type-graphql hands each argument to this
 * function, which runs the class-validator rules declared on the input classes and
 * answers BAD_USER_INPUT naming every bad field (and, for a list argument such as a
 * screening-day batch, every bad row's index) — never "Argument Validation Error".
 */
import { IsISO8601, Matches, validate, type ValidationError } from "class-validator";
import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import type { ValidatorFn } from "type-graphql";
import { ErrorCode, hubError } from "./errors";
import { idKindOf, isOrganisationId, isUuid } from "./ids";

export interface RowError {
  /** Position in a list argument; absent for a single input. */
  index?: number;
  field: string;
  reason: string;
}

function flatten(errors: ValidationError[], prefix = ""): Array<{ field: string; reason: string }> {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

async function problemsOf(value: object): Promise<Array<{ field: string; reason: string }>> {
  // Missing optional fields are GraphQL's business (nullability); unknown ones cannot arrive.
  return flatten(await validate(value, { skipMissingProperties: true, forbidUnknownValues: false }));
}

export const validateArgument: ValidatorFn = async (argValue) => {
  if (argValue === null || typeof argValue !== "object") return;
  const rows: RowError[] = [];
  if (Array.isArray(argValue)) {
    const results = await Promise.all(
      argValue.map((item: unknown) => (item !== null && typeof item === "object" ? problemsOf(item) : [])),
    );
    results.forEach((problems, index) => rows.push(...problems.map((problem) => ({ index, ...problem }))));
  } else {
    rows.push(...(await problemsOf(argValue)));
  }
  if (rows.length === 0) return;
  const summary = rows
    .slice(0, 5)
    .map((row) => `${row.index !== undefined ? `row ${row.index}: ` : ""}${row.reason}`)
    .join("; ");
  const more = rows.length > 5 ? ` (and ${rows.length - 5} more)` : "";
  throw hubError(ErrorCode.BAD_USER_INPUT, `Invalid input: ${summary}${more}`, { rowErrors: rows });
};

/** The hub's shared input rules, so every subgraph says the same thing about the same kind of value. */
export const IsCountryCode = () =>
  Matches(/^[A-Z]{2}$/, { message: "$property must be an ISO 3166-1 alpha-2 country code in capitals, e.g. PH" });
export const IsLanguageCodes = () =>
  Matches(/^[a-z]{2}$/, { each: true, message: "$property must be ISO 639-1 codes, e.g. tl" });
export const IsDay = () => IsISO8601({ strict: true }, { message: "$property must be a date, YYYY-MM-DD" });
export const IsDateTime = () => IsISO8601({ strict: true }, { message: "$property must be an ISO 8601 date-time" });
/** Organisation ids as they appear in tokens, e.g. shelter-maesot-1. */
export const IsOrganisationId = () =>
  Matches(/^[A-Za-z0-9][A-Za-z0-9-]{1,62}$/, {
    message: "$property must be an organisation id: letters, digits and dashes (e.g. shelter-maesot-1, embassy-PH)",
  });

/** BAD_USER_INPUT for a rule between fields that class-validator cannot state (e.g. an end after a start). */
export function invalidField(field: string, reason: string): GraphQLError {
  return hubError(ErrorCode.BAD_USER_INPUT, `Invalid input: ${field} ${reason}`, {
    rowErrors: [{ field, reason: `${field} ${reason}` }],
  });
}

/** The longest string any argument may carry (the longest free-text field, e.g. a testimony). */
export const MAX_STRING_LENGTH = 20_000;

// A UTF-16 high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string can never be stored or compared (PostgreSQL refuses NUL; UTF-8 cannot hold a lone surrogate), or undefined. */
export function unusableString(value: string): string | undefined {
  if (value.includes("\u0000")) return "must not contain a NUL character";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode (a lone surrogate is not)";
  if (value.length > MAX_STRING_LENGTH) return `must be at most ${MAX_STRING_LENGTH} characters long`;
  return undefined;
}

/** Every problem of one argument value, walked with its GraphQL type (lists and input objects included). */
function inputProblems(
  value: unknown,
  type: GraphQLInputType,
  path: string,
  idKind: "uuid" | "organisation" | undefined,
  problems: Array<{ field: string; reason: string }>,
): void {
  if (value === null || value === undefined || problems.length >= 5) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value))
      value.forEach((item, index) =>
        inputProblems(item, nullable.ofType as GraphQLInputType, `${path}[${index}]`, idKind, problems),
      );
    return;
  }
  if (isInputObjectType(nullable)) {
    if (typeof value !== "object") return;
    for (const field of Object.values(nullable.getFields()))
      inputProblems(
        (value as Record<string, unknown>)[field.name],
        field.type,
        `${path}.${field.name}`,
        undefined,
        problems,
      );
    return;
  }
  if (typeof value !== "string") return;
  const unusable = unusableString(value);
  if (unusable) {
    problems.push({ field: path, reason: `${path} ${unusable}` });
    return;
  }
  if (getNamedType(type).name === "ID" && idKind === "uuid" && !isUuid(value))
    problems.push({ field: path, reason: `${path} must be an id the hub gave out (a UUID)` });
  if (getNamedType(type).name === "ID" && idKind === "organisation" && !isOrganisationId(value))
    problems.push({ field: path, reason: `${path} must be an organisation id, e.g. shelter-maesot-1` });
}

/** Checks one field's arguments, throwing BAD_USER_INPUT naming every problem (see `argumentGuard`). */
export type ArgumentGuard = (args: Record<string, unknown>) => void;

/**
 * The hub's guard on the arguments of a field, made once per field when the schema is built
 * (platform/federation.ts installs it on every field that has arguments, so no resolver can
 * forget it): NUL characters, lone surrogates and oversized strings are refused wherever they
 * appear, and an `ID` argument must be an id of the kind it names (a UUID, or an organisation
 * id for the types `organisationKeyed` lists) — BAD_USER_INPUT, never a database error. Runs
 * before class-validator and the resolver. A field without arguments gets none (undefined).
 */
export function argumentGuard(
  field: GraphQLField<unknown, unknown>,
  organisationKeyed: ReadonlySet<string>,
): ArgumentGuard | undefined {
  if (field.args.length === 0) return undefined;
  const returnType = getNamedType(field.type).name;
  // Decided here, not per call: each argument's type and the kind of id it must carry.
  const checked = field.args.map((argument) => ({
    name: argument.name,
    type: argument.type,
    idKind:
      getNamedType(argument.type).name === "ID"
        ? idKindOf(argument.name, returnType, organisationKeyed)
        : (undefined as "uuid" | "organisation" | undefined),
  }));
  return (args) => {
    const problems: Array<{ field: string; reason: string }> = [];
    for (const argument of checked) {
      if (!(argument.name in args)) continue;
      inputProblems(args[argument.name], argument.type, argument.name, argument.idKind, problems);
    }
    if (problems.length > 0) {
      throw hubError(
        ErrorCode.BAD_USER_INPUT,
        `Invalid input: ${problems.map((problem) => problem.reason).join("; ")}`,
        {
          rowErrors: problems,
        },
      );
    }
  };
}
