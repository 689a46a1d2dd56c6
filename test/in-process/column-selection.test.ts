/**
 * Reads that select only the columns they need (platform/selection.ts): a field whose
 * resolver or condition reads a property the read did not select would silently answer
 * null. For each read using the helper, as several personas: every field of the type, all
 * together and each alone, answers exactly what a read of every column answers.
 */
import { SelectQueryBuilder } from "typeorm";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { columnSelection } from "../../platform/selection";
import { VICTIM_FIELD_RULES } from "../../subgraphs/victims/field-rules";
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

const OBJECT_FIELDS: Record<string, string> = { consents: "{ id kind granted }", referrals: "{ id status }" };
const VICTIM_FIELDS = Object.keys(VICTIM_FIELD_RULES);
const selectionOf = (fields: readonly string[]) =>
  fields.map((field) => `${field} ${OBJECT_FIELDS[field] ?? ""}`).join(" ");

type Node = Record<string, unknown> | null;

interface Read {
  name: string;
  persona: DevTokenRequest;
  /** The query, with `FIELDS` where the Victim's fields go. */
  query: string;
  variables?: () => Record<string, unknown>;
  /** The victims it answered, in order. */
  nodes: (data: Record<string, unknown>) => Node[];
}

const edges = (list: string) => (data: Record<string, unknown>) =>
  ((data[list] as { edges: Array<{ node: Node }> } | null)?.edges ?? []).map((edge) => edge.node);

const READS: Read[] = [
  ...[PERSONAS.government, PERSONAS.ngo, PERSONAS.otherNgo, PERSONAS.shelter, PERSONAS.repatriation].map((persona) => ({
    name: `victims as ${persona.org}`,
    persona,
    query: "{ victims(first: 8) { totalCount edges { cursor node { FIELDS } } } }",
    nodes: edges("victims"),
  })),
  ...[PERSONAS.government, PERSONAS.embassyPH].map((persona) => ({
    name: `nationals as ${persona.org}`,
    persona,
    query:
      '{ nationals(country: "PH", first: 8) { edges { node { ...Fields } } } } fragment Fields on Victim { FIELDS }',
    nodes: edges("nationals"),
  })),
  ...[PERSONAS.government, PERSONAS.ngo, PERSONAS.otherNgo].map((persona) => ({
    name: `victim(id) as ${persona.org}`,
    persona,
    query: "query ($a: ID!, $b: ID!) { a: victim(id: $a) { FIELDS } b: victim(id: $b) { ... on Victim { FIELDS } } }",
    variables: () => ({ a: ids[0], b: ids[1] }),
    nodes: (data: Record<string, unknown>) => [data.a as Node, data.b as Node],
  })),
  ...[PERSONAS.government, PERSONAS.ngo, PERSONAS.repatriation].map((persona) => ({
    name: `_entities as ${persona.org}`,
    persona,
    query:
      "query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { FIELDS } } }",
    variables: () => ({ representations: ids.map((id) => ({ __typename: "Victim", id })) }),
    nodes: (data: Record<string, unknown>) => data._entities as Node[],
  })),
];

async function read(subject: Read, fields: readonly string[]) {
  const response = await victims.execute(
    subject.persona,
    subject.query.replaceAll("FIELDS", selectionOf(fields)),
    subject.variables?.(),
  );
  // Field refusals are the policy's and the same either way; an internal error would be a property not read.
  const internal = (response.errors ?? []).filter((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR");
  expect({ fields, internal }).toEqual({ fields, internal: [] });
  return subject.nodes(response.data as Record<string, unknown>);
}

async function readEveryColumn(subject: Read): Promise<Node[]> {
  columnSelection.enabled = false;
  try {
    return await read(subject, VICTIM_FIELDS);
  } finally {
    columnSelection.enabled = true;
  }
}

describe.each(READS)("$name", (subject) => {
  it("every field, together and each alone, answers what a read of every column answers", async () => {
    const reference = await readEveryColumn(subject);
    expect(reference.some((node) => node !== null)).toBe(true);
    expect(await read(subject, VICTIM_FIELDS)).toEqual(reference);
    for (const field of VICTIM_FIELDS) {
      const alone = await read(subject, [field]);
      expect({ field, values: alone.map((node) => node?.[field]) }).toEqual({
        field,
        values: reference.map((node) => node?.[field]),
      });
    }
  });
});

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
