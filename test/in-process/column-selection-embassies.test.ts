/**
 * The embassies subgraph's reads that select only the columns they need (platform/selection.ts;
 * the victims subgraph's: column-selection.test.ts): every field of a person's nationality
 * verification and travel documents (the dashboard's fetch), all together and each alone,
 * answers what a read of every column answers, as several personas.
 */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { embassiesPolicy } from "../../subgraphs/embassies/policy";
import { describeColumnEquivalence, type Answer } from "./column-equivalence";
import { PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

let embassies: InProcessSubgraph;
let victimIds: string[] = [];

beforeAll(async () => {
  embassies = await startInProcessSubgraph("embassies", { demoData: true });
  const rows = await embassies.db.query<Array<{ victim_id: string }>>(
    "SELECT DISTINCT victim_id FROM travel_document UNION SELECT DISTINCT victim_id FROM nationality_verification ORDER BY victim_id LIMIT 12",
  );
  victimIds = rows.map((row) => row.victim_id);
  expect(victimIds.length).toBeGreaterThan(3);
}, START_TIMEOUT_MS);
afterAll(() => embassies?.stop(), START_TIMEOUT_MS);

const PERSONAS_READING: DevTokenRequest[] = [
  PERSONAS.government,
  PERSONAS.ngo,
  PERSONAS.embassyPH,
  PERSONAS.embassyKE,
  PERSONAS.repatriation,
];

for (const { list, type } of [
  { list: "nationalityVerification", type: "NationalityVerification" },
  { list: "travelDocuments", type: "TravelDocument" },
] as const) {
  describe(type, () => {
    describeColumnEquivalence(
      { subgraph: () => embassies, fields: Object.keys(embassiesPolicy[type].fields) },
      PERSONAS_READING.map((persona) => ({
        name: `Victim.${list} as ${persona.org}`,
        persona,
        query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { ${list} { FIELDS } } } }`,
        variables: () => ({ representations: victimIds.map((id) => ({ __typename: "Victim", id })) }),
        answers: (data: Record<string, unknown>) =>
          (data._entities as Array<Record<string, Answer> | null>).map((entity) => entity?.[list] ?? null),
        // Government sees every person's (the others may see none of these people's).
        seesSome: persona === PERSONAS.government,
      })),
    );
  });
}
