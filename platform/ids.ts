/** Record ids are UUIDs; anything else cannot name a record, so it is never sent to SQL. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** Organisation ids as tokens carry them: the ids of records that are an organisation. */
const ORGANISATION_ID = /^[A-Za-z0-9][A-Za-z0-9-]{1,62}$/;

export function isOrganisationId(value: unknown): value is string {
  return typeof value === "string" && ORGANISATION_ID.test(value);
}

/**
 * Which kind of id an `ID` argument takes: `id` names the type its field returns,
 * `<type>Id` (also `to<Type>Id`, `from<Type>Id`) names `<Type>`. The types in
 * `organisationKeyed` (the policy's `idKind: "organisation"`) have organisation ids; every
 * other record a UUID.
 */
export function idKindOf(
  argumentName: string,
  returnTypeName: string,
  organisationKeyed: ReadonlySet<string>,
): "uuid" | "organisation" {
  const named =
    argumentName === "id" ? returnTypeName : argumentName.replace(/^(to|from)(?=[A-Z])/, "").replace(/Ids?$/, "");
  const typeName = named.charAt(0).toUpperCase() + named.slice(1);
  return organisationKeyed.has(typeName) ? "organisation" : "uuid";
}
