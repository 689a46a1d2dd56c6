/**
 * Field rules, generated from the policy, for one subgraph in process: for every persona,
 * one operation per root field of the subgraph's policy selecting everything reachable
 * from it, and `_entities` for `Victim` with the demo release's ids. A field the persona's
 * role may not see must come back `null` with UNAUTHORIZED_FIELD_OR_TYPE at its path; one
 * it may see must not be refused. The end-to-end matrix (test/policy-matrix.test.ts) does
 * the same through the gateway and over HTTP; this is the seconds-long version, one
 * subgraph at a time. The response walk is that test's own (test/support/policy-matrix.ts).
 */
import { getNamedType, isObjectType, type GraphQLObjectType } from "graphql";
import type { Role } from "../../platform/auth/claims";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { generateRelease } from "../../demo/release";
import type { SubgraphPolicy } from "../../platform/policy/types";
import type { GraphQLResponse } from "../support/hub";
import {
  checkResponse,
  mergeChecked,
  render,
  ruleOf,
  selectAll,
  type MatrixFinding,
  type MatrixResult,
  type Selection,
} from "../support/policy-matrix";
import { PERSONAS, type InProcessResponse, type InProcessSubgraph } from "./harness";

type Persona = DevTokenRequest & { role: Role };

export interface FieldRuleOptions {
  policy: SubgraphPolicy;
  /**
   * Arguments of a root field for a persona; `null` leaves the root to the end-to-end suite
   * (the victims subgraph's oversight roots ask every other subgraph).
   */
  rootArguments(root: string, persona: Persona): string | undefined | null;
  /** Types reached only through roots left to the end-to-end suite: not required in the coverage check. */
  endToEndOnlyTypes?: readonly string[];
  /** Fields no persona sees a value of in the demo release (checked for refusal only). */
  mayBeEmpty?: readonly string[];
}

/** How many demo people `_entities` asks about per persona: enough that every role sees some and misses some. */
const ENTITY_SAMPLE = 40;

function asMatrixResponse(response: InProcessResponse): GraphQLResponse {
  return { data: response.data, errors: response.errors, status: 200, headers: new Headers() };
}

/** Declares the field-rule tests of one subgraph, started by `subgraph()` in the file's beforeAll. */
export function describeFieldRules(subgraph: () => InProcessSubgraph, options: FieldRuleOptions): void {
  const { policy } = options;
  const policies = [{ policy }];
  const includeField = (type: string, field: string) => Boolean(policy[type]?.fields[field]);
  const coverage = new Map<Role, MatrixResult["checked"]>();
  const entityIds = generateRelease()
    .slice(0, ENTITY_SAMPLE)
    .map((person) => person.id);

  describe.each(Object.entries(PERSONAS))("field rules for %s", (_name, persona: Persona) => {
    it("every root field and `_entities`: each field answered or refused as the policy says", async () => {
      const { schema } = subgraph();
      const queryType = schema.getQueryType()!;
      const findings: MatrixFinding[] = [];
      const checked: MatrixResult["checked"] = new Map();
      const selections: Selection[] = [];
      for (const root of Object.keys(policy.Query?.fields ?? {})) {
        const args = options.rootArguments(root, persona);
        if (args === null) continue;
        const named = getNamedType(queryType.getFields()[root].type);
        selections.push({
          parentType: "Query",
          field: root,
          args,
          children: isObjectType(named) ? selectAll(schema, named, includeField) : undefined,
        });
      }
      for (const selection of selections) {
        const response = await subgraph().execute(persona, `{ ${render([selection])} }`);
        const result = checkResponse(asMatrixResponse(response), [selection], persona.role, { policies });
        findings.push(
          ...result.findings.map((finding) => ({ ...finding, problem: `${selection.field}: ${finding.problem}` })),
        );
        mergeChecked(checked, result.checked);
      }
      if (policy.Victim) {
        const victimFields = selectAll(schema, schema.getType("Victim") as GraphQLObjectType, includeField);
        const response = await subgraph().execute(
          persona,
          `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { ${render(victimFields)} } } }`,
          { r: entityIds.map((id) => ({ __typename: "Victim", id })) },
        );
        const result = checkResponse(asMatrixResponse(response), victimFields, persona.role, {
          policies,
          parents: (data) => ((data as { _entities?: unknown[] } | null)?._entities ?? []) as unknown[],
          pathPrefix: ["_entities"],
        });
        findings.push(...result.findings.map((finding) => ({ ...finding, problem: `_entities: ${finding.problem}` })));
        mergeChecked(checked, result.checked);
      }
      if (!coverage.has(persona.role)) coverage.set(persona.role, new Map());
      mergeChecked(coverage.get(persona.role)!, checked);
      expect(findings).toEqual([]);
    });
  });

  describe("field-rule coverage", () => {
    const endToEndOnly = new Set(options.endToEndOnlyTypes ?? []);
    const declared = Object.entries(policy)
      .filter(([type]) => type !== "Mutation" && !endToEndOnly.has(type))
      .flatMap(([type, typePolicy]) =>
        Object.keys(typePolicy.fields)
          .filter((field) => !(type === "Query" && options.rootArguments(field, PERSONAS.government) === null))
          .map((field) => `${type}.${field}`),
      );
    const roles = [...new Set(Object.values(PERSONAS).map((persona) => persona.role))];

    it.each(roles)("%s: every declared field was checked (seen, refused, or only below a refused field)", (role) => {
      const checked = coverage.get(role) ?? new Map();
      expect(declared.filter((coordinate) => !checked.has(coordinate))).toEqual([]);
    });

    it("every field some role may see came back with a value for some persona", () => {
      const seen = new Set(
        [...coverage.values()].flatMap((checked) =>
          [...checked].filter(([, how]) => how === "allowed").map(([coordinate]) => coordinate),
        ),
      );
      const mayBeEmpty = new Set(options.mayBeEmpty ?? []);
      const allowedSomewhere = declared.filter(
        (coordinate) => (ruleOf(...(coordinate.split(".") as [string, string]), policies)?.roles.length ?? 0) > 0,
      );
      expect(allowedSomewhere.filter((coordinate) => !seen.has(coordinate) && !mayBeEmpty.has(coordinate))).toEqual([]);
    });
  });
}
