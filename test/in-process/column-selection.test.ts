/**
 * Reads that select only the columns they need (platform/selection.ts): a field whose
 * resolver or condition reads a property the read did not select would silently answer
 * null. For each read using the helper, as several personas: every field of the type, all
 * together and each alone, answers exactly what a read of every column answers.
 */
import { SelectQueryBuilder } from "typeorm";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { VICTIM_FIELD_RULES } from "../../subgraphs/victims/field-rules";
import { describeColumnEquivalence, type ColumnRead } from "./column-equivalence";
import { PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

let victims: InProcessSubgraph;
let ids: string[] = [];

beforeAll(async () => {
  victims = await startInProcessSubgraph("victims", { demoData: true });
  const idsOf = async (persona: DevTokenRequest, first: number) =>
    (
      await victims.execute<{ victims: { edges: Array<{ node: { id: string } }> } }>(
        persona,
        `{ victims(first: ${first}) { edges { node { id } } } }`,
      )
    ).data!.victims.edges.map((edge) => edge.node.id);
  // Cases the NGO owns (testimony: its condition reads the owner) and cases it does not.
  const mine = await idsOf(PERSONAS.ngo, 30);
  const others = (await idsOf(PERSONAS.government, 80)).filter((id) => !mine.includes(id));
  ids = [mine[0], others[0], mine[1], others[1]];
  expect(ids.every(Boolean)).toBe(true);
}, START_TIMEOUT_MS);
afterAll(() => victims?.stop(), START_TIMEOUT_MS);

type Node = Record<string, unknown> | null;

const edges = (list: string) => (data: Record<string, unknown>) =>
  ((data[list] as { edges: Array<{ node: Node }> } | null)?.edges ?? []).map((edge) => edge.node);

const READS: ColumnRead[] = [
  ...[PERSONAS.government, PERSONAS.ngo, PERSONAS.otherNgo, PERSONAS.shelter, PERSONAS.repatriation].map((persona) => ({
    name: `victims as ${persona.org}`,
    persona,
    query: "{ victims(first: 8) { totalCount edges { cursor node { FIELDS } } } }",
    answers: edges("victims"),
  })),
  ...[PERSONAS.government, PERSONAS.embassyPH].map((persona) => ({
    name: `nationals as ${persona.org}`,
    persona,
    query:
      '{ nationals(country: "PH", first: 8) { edges { node { ...Fields } } } } fragment Fields on Victim { FIELDS }',
    answers: edges("nationals"),
  })),
  ...[PERSONAS.government, PERSONAS.ngo, PERSONAS.otherNgo].map((persona) => ({
    name: `victim(id) as ${persona.org}`,
    persona,
    query: "query ($a: ID!, $b: ID!) { a: victim(id: $a) { FIELDS } b: victim(id: $b) { ... on Victim { FIELDS } } }",
    variables: () => ({ a: ids[0], b: ids[1] }),
    answers: (data: Record<string, unknown>) => [data.a as Node, data.b as Node],
  })),
  ...[PERSONAS.government, PERSONAS.ngo, PERSONAS.repatriation].map((persona) => ({
    name: `_entities as ${persona.org}`,
    persona,
    query:
      "query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { FIELDS } } }",
    variables: () => ({ representations: ids.map((id) => ({ __typename: "Victim", id })) }),
    answers: (data: Record<string, unknown>) => data._entities as Node[],
  })),
];

describeColumnEquivalence(
  {
    subgraph: () => victims,
    fields: Object.keys(VICTIM_FIELD_RULES),
    objectFields: {
      consents: "{ id kind granted }",
      referrals: "{ id status }",
      erasure: "{ id status }",
      legalHold: "{ id placedAt }",
    },
  },
  READS,
);

describe("what the narrowed reads leave out", () => {
  it("the dashboard's first fetch and a profile's name read no long personal text", async () => {
    const statements: string[] = [];
    // TypeORM's getMany and getRawAndEntities both end here: the SQL of every entity read.
    const prototype = SelectQueryBuilder.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = prototype.executeEntitiesAndRawResults;
    const spy = jest.spyOn(prototype, "executeEntitiesAndRawResults").mockImplementation(function (
      this: SelectQueryBuilder<object>,
      ...args: unknown[]
    ) {
      statements.push(this.getQuery());
      return original.apply(this, args);
    });
    try {
      const page = await victims.execute(
        PERSONAS.embassyPH,
        "{ nationals(first: 100) { edges { node { id caseNumber legalName } } } }",
      );
      expect(page.errors).toBeUndefined();
      const profile = await victims.execute(
        PERSONAS.government,
        "query ($id: ID!) { victim(id: $id) { id legalName } }",
        {
          id: ids[0],
        },
      );
      expect(profile.errors).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(statements.length).toBe(2);
    for (const sql of statements) {
      expect(sql).toContain("legal_name");
      for (const column of ["testimony", "family_contact", "medical_needs", "psychosocial_needs", "rescue_location"])
        expect({ sql, has: sql.includes(column) }).toEqual({ sql, has: false });
    }
  });
});
