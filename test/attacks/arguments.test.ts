/**
 * Attacks through arguments: a role that may not read a field must not learn it by
 * filtering on it (`victims(filter: {nrmStatus: SCREENING})` as an embassy listed exactly
 * the people in screening). Generated from the schema and the policy: every argument and
 * input field of every read × every persona, through the gateway and straight at the
 * owning subgraph, as a literal and as a variable. What a role may use is derived here
 * from the policy data alone (the field an argument tests, and that field's roles).
 */
import { randomUUID } from "node:crypto";
import {
  getNamedType,
  getNullableType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLSchema,
} from "graphql";
import type { Role } from "../../platform/auth/claims";
import type { SubgraphName } from "../../subgraphs/index";
import { PLUMBING_ARGUMENTS, type ArgumentRule } from "../../platform/policy/types";
import { HUB_POLICIES } from "../../subgraphs/modules";
import { gatewayUrl, PERSONAS, postGraphQL, subgraphUrl, tokenFor, type GraphQLResponse } from "../support/hub";
import { ruleOf, supergraphSchema } from "../support/policy-matrix";

const schema: GraphQLSchema = supergraphSchema();
const query = schema.getQueryType()!;

/** A value of the type that validates (the subgraph may still find it wrong: BAD_USER_INPUT is fine here). */
function sample(type: GraphQLInputType): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [sample(nullable.ofType)];
  if (isEnumType(nullable)) return nullable.getValues()[0].value;
  if (isInputObjectType(nullable)) {
    return Object.fromEntries(
      Object.values(nullable.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, sample(field.type)]),
    );
  }
  switch (nullable.name) {
    case "ID":
      return randomUUID();
    case "Int":
      return 1;
    case "Boolean":
      return true;
    default:
      return "2026-01-01";
  }
}

/** The roles of a `tests` rule: those that may read the tested field (from the policy alone). */
function rolesOf(rule: ArgumentRule, allowed: readonly Role[]): readonly Role[] {
  if (!("tests" in rule)) return allowed;
  const [typeName, fieldName] = rule.tests.split(".");
  const tested = ruleOf(typeName, fieldName, HUB_POLICIES);
  if (!tested) throw new Error(`${rule.tests} has no policy entry`);
  return allowed.filter((role) => tested.roles.includes(role));
}

interface Usage {
  /** What the refusal names: `Query.f(arg:)` or `Input.field`. */
  coordinate: string;
  field: GraphQLField<unknown, unknown>;
  argument: GraphQLArgument;
  /** The argument's value: the input field set alone (beside the required ones), or the argument itself. */
  value: unknown;
  roles: readonly Role[];
  owner: SubgraphName;
}

function ownerOf(field: GraphQLField<unknown, unknown>): SubgraphName {
  const join = field.astNode?.directives?.find((directive) => directive.name.value === "join__field");
  const graph = join?.arguments?.find((argument) => argument.name.value === "graph")?.value;
  if (graph?.kind !== "EnumValue") throw new Error(`no owner for Query.${field.name}`);
  return graph.value.toLowerCase() as SubgraphName;
}

function usages(): Usage[] {
  const found: Usage[] = [];
  for (const field of Object.values(query.getFields())) {
    const fieldRule = ruleOf("Query", field.name, HUB_POLICIES);
    if (!fieldRule) continue;
    for (const argument of field.args) {
      const rule: ArgumentRule | undefined =
        fieldRule.arguments?.[argument.name] ??
        (PLUMBING_ARGUMENTS[argument.name] ? { open: PLUMBING_ARGUMENTS[argument.name] } : undefined);
      const roles = rule ? rolesOf(rule, fieldRule.roles) : [];
      const base = { field, argument, owner: ownerOf(field) };
      found.push({
        ...base,
        coordinate: `Query.${field.name}(${argument.name}:)`,
        value: sample(argument.type),
        roles,
      });
      const inputType = getNamedType(argument.type);
      if (isInputObjectType(inputType)) {
        for (const inputField of Object.values(inputType.getFields())) {
          const inputRule = rule && "fields" in rule ? rule.fields[inputField.name] : undefined;
          found.push({
            ...base,
            coordinate: `${inputType.name}.${inputField.name}`,
            value: { ...(sample(argument.type) as object), [inputField.name]: sample(inputField.type) },
            roles: inputRule ? rolesOf(inputRule, roles) : [],
          });
        }
      }
    }
  }
  return found;
}

/** An operation using the argument (plus the field's other required arguments), as a variable. */
function operation(usage: Usage): { query: string; variables: Record<string, unknown> } {
  const required = usage.field.args.filter((argument) => argument !== usage.argument && isNonNullType(argument.type));
  const all = [usage.argument, ...required];
  const definitions = all.map((argument) => `$${argument.name}: ${argument.type.toString()}`).join(", ");
  const uses = all.map((argument) => `${argument.name}: $${argument.name}`).join(", ");
  const variables = Object.fromEntries([
    [usage.argument.name, usage.value],
    ...required.map((argument) => [argument.name, sample(argument.type)]),
  ]);
  return { query: `query (${definitions}) { ${usage.field.name}(${uses}) { __typename } }`, variables };
}

const refusedNaming = (response: GraphQLResponse, coordinate: string) =>
  (response.errors ?? []).some(
    (error) =>
      error.extensions?.code === "UNAUTHORIZED_FIELD_OR_TYPE" &&
      error.message.startsWith("Unauthorized argument:") &&
      error.message.includes(coordinate),
  );

const USAGES = usages();
const CASES = USAGES.flatMap((usage) =>
  Object.entries(PERSONAS)
    .filter(([, persona]) => ruleOf("Query", usage.field.name, HUB_POLICIES)!.roles.includes(persona.role))
    .map(([label, persona]) => ({ label, persona, usage, allowed: usage.roles.includes(persona.role) })),
);

describe("arguments obey field rules (generated from the policy)", () => {
  it("covers every filter of the demo's finding, and refuses some uses and allows others", () => {
    const refusedTo = (coordinate: string) =>
      CASES.filter((entry) => entry.usage.coordinate === coordinate && !entry.allowed).map(
        (entry) => entry.persona.role,
      );
    expect(refusedTo("VictimFilter.nrmStatus")).toEqual(expect.arrayContaining(["embassy", "shelter"]));
    expect(CASES.filter((entry) => entry.allowed).length).toBeGreaterThan(20);
    expect(CASES.filter((entry) => !entry.allowed).length).toBeGreaterThanOrEqual(3);
  });

  it.each(CASES.map((entry) => [entry.usage.coordinate, entry.label, entry] as const))(
    "%s as %s",
    async (_coordinate, _label, { persona, usage, allowed }) => {
      const { query: text, variables } = operation(usage);
      const authorization = `Bearer ${tokenFor(persona)}`;
      for (const [target, url] of [
        ["gateway", gatewayUrl()],
        [usage.owner, subgraphUrl(usage.owner)],
      ] as const) {
        const response = await postGraphQL(url, { query: text, variables }, authorization);
        if (allowed) {
          expect({ target, refused: refusedNaming(response, usage.coordinate), status: response.status }).toEqual({
            target,
            refused: false,
            status: expect.not.stringMatching(/^403$/),
          });
        } else {
          expect({
            target,
            refused: refusedNaming(response, usage.coordinate),
            status: response.status,
            data: response.data ?? null,
          }).toEqual({ target, refused: true, status: 403, data: null });
        }
      }
    },
  );

  it("a literal argument, or a variable's default, is refused as a variable is (finding 3, as the embassy and the shelter)", async () => {
    for (const persona of [PERSONAS.embassyPH, PERSONAS.shelter]) {
      for (const url of [gatewayUrl(), subgraphUrl("victims")]) {
        const response = await postGraphQL(
          url,
          { query: "{ victims(filter: {nrmStatus: SCREENING}) { totalCount edges { node { id } } } }" },
          `Bearer ${tokenFor(persona)}`,
        );
        expect(response.status).toBe(403);
        expect(response.data ?? null).toBeNull();
        expect(refusedNaming(response, "VictimFilter.nrmStatus")).toBe(true);
      }
    }
    // A default value of a variable is a value given (found by the black-box attacker).
    for (const [text, variables] of [
      ["query ($s: NrmStatus = SCREENING) { victims(filter: {nrmStatus: $s}) { totalCount } }", {}],
      ["query ($f: VictimFilter = {nrmStatus: IDENTIFIED}) { victims(filter: $f) { totalCount } }", {}],
      [
        'query ($f: VictimFilter = {nationality: "PH"}) { victims(filter: $f) { totalCount } }',
        { f: { nrmStatus: "IDENTIFIED" } },
      ],
    ] as const) {
      for (const url of [gatewayUrl(), subgraphUrl("victims")]) {
        const response = await postGraphQL(url, { query: text, variables }, `Bearer ${tokenFor(PERSONAS.embassyPH)}`);
        expect({ text, status: response.status, refused: refusedNaming(response, "VictimFilter.nrmStatus") }).toEqual({
          text,
          status: 403,
          refused: true,
        });
      }
    }
    // Government may: the rule is the field's, not a blanket ban.
    const government = await postGraphQL(
      gatewayUrl(),
      { query: "{ victims(filter: {nrmStatus: SCREENING}) { totalCount } }" },
      `Bearer ${tokenFor(PERSONAS.government)}`,
    );
    expect(government.errors).toBeUndefined();
    expect((government.data as { victims: { totalCount: number } }).victims.totalCount).toBeGreaterThan(0);
  });
});
