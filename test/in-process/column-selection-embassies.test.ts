/**
 * The embassies subgraph's reads that select only the columns they need (platform/selection.ts;
 * the victims subgraph's: column-selection.test.ts): every field of a person's nationality
 * verification and travel documents (the dashboard's fetch), all together and each alone,
 * answers what a read of every column answers, as several personas.
 */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { columnSelection } from "../../platform/selection";
import { embassiesPolicy } from "../../subgraphs/embassies/policy";
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

type Node = Record<string, unknown> | null;

const PERSONAS_READING: DevTokenRequest[] = [
  PERSONAS.government,
  PERSONAS.ngo,
  PERSONAS.embassyPH,
  PERSONAS.embassyKE,
  PERSONAS.repatriation,
];

const LISTS = [
  { field: "nationalityVerification", type: "NationalityVerification" },
  { field: "travelDocuments", type: "TravelDocument" },
] as const;

async function read(persona: DevTokenRequest, list: string, fields: readonly string[]): Promise<unknown[]> {
  const response = await embassies.execute(
    persona,
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { ${list} { ${fields.join(" ")} } } } }`,
    { representations: victimIds.map((id) => ({ __typename: "Victim", id })) },
  );
  const internal = (response.errors ?? []).filter((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR");
  expect({ fields, internal }).toEqual({ fields, internal: [] });
  return (response.data as { _entities: Array<Record<string, unknown> | null> })._entities.map(
    (entity) => entity?.[list] ?? null,
  );
}

const valuesOf = (answers: unknown[], field: string) =>
  answers.map((answer) =>
    Array.isArray(answer) ? answer.map((item: Node) => item?.[field]) : (answer as Node)?.[field],
  );

describe.each(PERSONAS_READING)("as $org", (persona) => {
  it.each(LISTS)(
    "every field of $type, together and each alone, answers what a read of every column answers",
    async ({ field: list, type }) => {
      const fields = Object.keys(embassiesPolicy[type].fields);
      columnSelection.enabled = false;
      let reference: unknown[];
      try {
        reference = await read(persona, list, fields);
      } finally {
        columnSelection.enabled = true;
      }
      // Government sees every person's (the others may see none of these people's).
      if (persona === PERSONAS.government)
        expect(reference.some((answer) => (Array.isArray(answer) ? answer.length > 0 : answer !== null))).toBe(true);
      expect(await read(persona, list, fields)).toEqual(reference);
      for (const field of fields) {
        const alone = await read(persona, list, [field]);
        expect({ field, values: valuesOf(alone, field) }).toEqual({ field, values: valuesOf(reference, field) });
      }
    },
  );
});
