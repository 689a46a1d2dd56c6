/**
 * Input validation for every subgraph: type-graphql hands each argument to this
 * function, which runs the class-validator rules declared on the input classes and
 * answers BAD_USER_INPUT naming every bad field (and, for a list argument such as a
 * screening-day batch, every bad row's index) — never "Argument Validation Error".
 */
import { IsISO8601, Matches, validate, type ValidationError } from "class-validator";
import type { GraphQLError } from "graphql";
import type { ValidatorFn } from "type-graphql";
import { ErrorCode, hubError } from "./errors";

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
    const results = await Promise.all(argValue.map((item: unknown) => (item !== null && typeof item === "object" ? problemsOf(item) : [])));
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
export const IsCountryCode = () => Matches(/^[A-Z]{2}$/, { message: "$property must be an ISO 3166-1 alpha-2 country code in capitals, e.g. PH" });
export const IsLanguageCodes = () => Matches(/^[a-z]{2}$/, { each: true, message: "$property must be ISO 639-1 codes, e.g. tl" });
export const IsDay = () => IsISO8601({ strict: true }, { message: "$property must be a date, YYYY-MM-DD" });
export const IsDateTime = () => IsISO8601({ strict: true }, { message: "$property must be an ISO 8601 date-time" });
/** Organisation ids as they appear in tokens, e.g. shelter-maesot-1. */
export const IsOrganisationId = () => Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: "$property must be an organisation id: lower-case letters, digits and dashes" });

/** BAD_USER_INPUT for a rule between fields that class-validator cannot state (e.g. an end after a start). */
export function invalidField(field: string, reason: string): GraphQLError {
  return hubError(ErrorCode.BAD_USER_INPUT, `Invalid input: ${field} ${reason}`, { rowErrors: [{ field, reason: `${field} ${reason}` }] });
}
