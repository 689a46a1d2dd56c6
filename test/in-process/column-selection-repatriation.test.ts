/**
 * The repatriation subgraph's reads that select only the columns they need (platform/selection.ts;
 * the victims subgraph's: column-selection.test.ts): every field of RepatriationCase, all
 * together and each alone, answers what a read of every column answers — the dashboard's
 * `Victim.repatriation` and the `repatriationCases` list, as several personas.
 */
import { repatriationPolicy } from "../../subgraphs/repatriation/policy";
import { describeColumnEquivalence, type ColumnRead } from "./column-equivalence";
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

type Node = Record<string, unknown> | null;

const PERSONAS_READING = [PERSONAS.government, PERSONAS.repatriation, PERSONAS.ngo, PERSONAS.embassyPH];

const READS: ColumnRead[] = [
  ...PERSONAS_READING.map((persona) => ({
    name: `Victim.repatriation (the dashboard) as ${persona.org}`,
    persona,
    query:
      "query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { repatriation { FIELDS } } } }",
    variables: () => ({ representations: victimIds.map((id) => ({ __typename: "Victim", id })) }),
    answers: (data: Record<string, unknown>) =>
      (data._entities as Array<{ repatriation: Node } | null>).map((entity) => entity?.repatriation ?? null),
  })),
  ...PERSONAS_READING.map((persona) => ({
    name: `repatriationCases as ${persona.org}`,
    persona,
    query: "{ repatriationCases(first: 8) { edges { cursor node { FIELDS } } } }",
    answers: (data: Record<string, unknown>) =>
      ((data.repatriationCases as { edges: Array<{ node: Node }> } | null)?.edges ?? []).map((edge) => edge.node),
  })),
];

describeColumnEquivalence(
  {
    subgraph: () => repatriation,
    fields: Object.keys(repatriationPolicy.RepatriationCase.fields),
    objectFields: { journeyLegs: "{ id sequence toPlace }", history: "{ id toStatus }", victim: "{ id }" },
  },
  READS,
);
