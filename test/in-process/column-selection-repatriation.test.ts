/**
 * The repatriation subgraph's reads that select only the columns they need (platform/selection.ts;
 * the victims subgraph's: column-selection.test.ts): every field of RepatriationCase, all
 * together and each alone, answers what a read of every column answers — the dashboard's
 * `Victim.repatriation` and the `repatriationCases` list, as several personas.
 */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { columnSelection } from "../../platform/selection";
import { repatriationPolicy } from "../../subgraphs/repatriation/policy";
import { PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

let repatriation: InProcessSubgraph;
let victimIds: string[] = [];

beforeAll(async () => {
  repatriation = await startInProcessSubgraph("repatriation", { demoData: true });
  const response = await repatriation.execute<{
    repatriationCases: { edges: Array<{ node: { victim: { id: string } | null } }> };
  }>(PERSONAS.government, "{ repatriationCases(first: 20) { edges { node { victim { id } } } } }");
  victimIds = response.data!.repatriationCases.edges.flatMap((edge) => (edge.node.victim ? [edge.node.victim.id] : []));
  expect(victimIds.length).toBeGreaterThan(3);
}, START_TIMEOUT_MS);
afterAll(() => repatriation?.stop(), START_TIMEOUT_MS);

const OBJECT_FIELDS: Record<string, string> = {
  journeyLegs: "{ id sequence toPlace }",
  history: "{ id toStatus }",
  victim: "{ id }",
};
const CASE_FIELDS = Object.keys(repatriationPolicy.RepatriationCase.fields);
const selectionOf = (fields: readonly string[]) =>
  fields.map((field) => `${field} ${OBJECT_FIELDS[field] ?? ""}`).join(" ");

type Node = Record<string, unknown> | null;

interface Read {
  name: string;
  persona: DevTokenRequest;
  query: string;
  variables?: () => Record<string, unknown>;
  nodes: (data: Record<string, unknown>) => Node[];
}

const PERSONAS_READING = [PERSONAS.government, PERSONAS.repatriation, PERSONAS.ngo, PERSONAS.embassyPH];

const READS: Read[] = [
  ...PERSONAS_READING.map((persona) => ({
    name: `Victim.repatriation (the dashboard) as ${persona.org}`,
    persona,
    query:
      "query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { repatriation { FIELDS } } } }",
    variables: () => ({ representations: victimIds.map((id) => ({ __typename: "Victim", id })) }),
    nodes: (data: Record<string, unknown>) =>
      (data._entities as Array<{ repatriation: Node } | null>).map((entity) => entity?.repatriation ?? null),
  })),
  ...PERSONAS_READING.map((persona) => ({
    name: `repatriationCases as ${persona.org}`,
    persona,
    query: "{ repatriationCases(first: 8) { edges { cursor node { FIELDS } } } }",
    nodes: (data: Record<string, unknown>) =>
      ((data.repatriationCases as { edges: Array<{ node: Node }> } | null)?.edges ?? []).map((edge) => edge.node),
  })),
];

async function read(subject: Read, fields: readonly string[]) {
  const response = await repatriation.execute(
    subject.persona,
    subject.query.replaceAll("FIELDS", selectionOf(fields)),
    subject.variables?.(),
  );
  const internal = (response.errors ?? []).filter((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR");
  expect({ fields, internal }).toEqual({ fields, internal: [] });
  return subject.nodes(response.data as Record<string, unknown>);
}

describe.each(READS)("$name", (subject) => {
  it("every field, together and each alone, answers what a read of every column answers", async () => {
    columnSelection.enabled = false;
    let reference: Node[];
    try {
      reference = await read(subject, CASE_FIELDS);
    } finally {
      columnSelection.enabled = true;
    }
    expect(reference.some((node) => node !== null)).toBe(true);
    expect(await read(subject, CASE_FIELDS)).toEqual(reference);
    for (const field of CASE_FIELDS) {
      const alone = await read(subject, [field]);
      expect({ field, values: alone.map((node) => node?.[field]) }).toEqual({
        field,
        values: reference.map((node) => node?.[field]),
      });
    }
  });
});
