/**
 * Attack: hostile argument values — a NUL byte, a lone surrogate, an oversized string,
 * an id that is no id, a forged cursor. Each must be answered BAD_USER_INPUT with a clear
 * message by the subgraph that owns the argument (through the gateway and straight at
 * it), never INTERNAL_SERVER_ERROR (a database error) nor another subgraph's
 * SERVICE_UNAVAILABLE.
 */
import type { SubgraphName } from "../../subgraphs/index";
import { asPersona, asPersonaAt, PERSONAS, type GraphQLResponse } from "../support/hub";

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

interface BadInput {
  label: string;
  subgraph: SubgraphName;
  query: string;
  variables: Record<string, unknown>;
}

const VICTIMS_PAGE =
  "query ($after: String, $filter: VictimFilter) { victims(first: 2, after: $after, filter: $filter) { totalCount edges { cursor } } }";
const SHELTERS_PAGE =
  "query ($after: String, $region: String) { shelters(first: 2, after: $after, region: $region) { edges { cursor } } }";
const CASES_PAGE =
  "query ($after: String, $filter: RepatriationCaseFilter) { repatriationCases(first: 2, after: $after, filter: $filter) { edges { cursor } } }";
const EMBASSIES_PAGE = "query ($after: String) { embassies(first: 2, after: $after) { edges { cursor } } }";

const CASES: BadInput[] = [
  {
    label: "NUL in a filter string",
    subgraph: "victims",
    query: VICTIMS_PAGE,
    variables: { filter: { nationality: "P\u0000H" } },
  },
  {
    label: "lone surrogate in a filter string",
    subgraph: "victims",
    query: VICTIMS_PAGE,
    variables: { filter: { nationality: "\ud800" } },
  },
  { label: "NUL in a string argument", subgraph: "shelters", query: SHELTERS_PAGE, variables: { region: "Tak\u0000" } },
  {
    label: "oversized string argument",
    subgraph: "shelters",
    query: SHELTERS_PAGE,
    variables: { region: "x".repeat(20_001) },
  },
  {
    label: "NUL in a repatriation filter",
    subgraph: "repatriation",
    query: CASES_PAGE,
    variables: { filter: { destinationCountry: "P\u0000" } },
  },
  {
    label: "cursor that is not base64 JSON",
    subgraph: "victims",
    query: VICTIMS_PAGE,
    variables: { after: "!!not-a-cursor!!" },
  },
  {
    label: "cursor holding a NUL",
    subgraph: "victims",
    query: VICTIMS_PAGE,
    variables: { after: cursorOf(["MS-\u0000"]) },
  },
  {
    label: "cursor holding an object",
    subgraph: "victims",
    query: VICTIMS_PAGE,
    variables: { after: cursorOf({ key: "MS-2026-0001" }) },
  },
  {
    label: "cursor with a NUL on shelters",
    subgraph: "shelters",
    query: SHELTERS_PAGE,
    variables: { after: cursorOf(["shelter-\u0000"]) },
  },
  {
    label: "cursor that names no UUID on a UUID-keyed list",
    subgraph: "repatriation",
    query: CASES_PAGE,
    variables: { after: cursorOf(["garbage"]) },
  },
  {
    label: "cursor with a NUL on embassies",
    subgraph: "embassies",
    query: EMBASSIES_PAGE,
    variables: { after: cursorOf(["embassy-\u0000"]) },
  },
  {
    label: "id that is not a UUID (query)",
    subgraph: "victims",
    query: "query ($id: ID!) { victim(id: $id) { id } }",
    variables: { id: "not-a-uuid" },
  },
  {
    label: "id with a NUL",
    subgraph: "victims",
    query: "query ($id: ID!) { victim(id: $id) { id } }",
    variables: { id: "00000000-0000-0000-0000-00000000000\u0000" },
  },
  {
    label: "id that is not a UUID (mutation)",
    subgraph: "repatriation",
    query: "mutation ($id: ID!) { changeRepatriationStatus(id: $id, to: CANCELLED) { id } }",
    variables: { id: "' OR '1'='1" },
  },
  {
    label: "shelter id that is no organisation id",
    subgraph: "shelters",
    query: "query ($id: ID!) { shelter(id: $id) { id } }",
    variables: { id: "shelter-maesot-1' --" },
  },
  {
    label: "NUL inside an input object of a mutation",
    subgraph: "victims",
    query: "mutation ($victim: RegisterVictimInput!) { registerVictim(victim: $victim) { id } }",
    variables: {
      victim: { nationality: "PH", gender: "FEMALE", ageBracket: "AGE_18_25", preferredName: "Bad\u0000Name" },
    },
  },
];

function expectClearRefusal(label: string, response: GraphQLResponse): void {
  const codes = (response.errors ?? []).map((error) => error.extensions?.code);
  expect({ label, status: response.status, codes }).toEqual({
    label,
    status: expect.any(Number),
    codes: ["BAD_USER_INPUT"],
  });
  expect(response.status).toBeLessThan(500);
  expect(response.errors![0].message).toMatch(/^Invalid (input|cursor)/);
  expect(response.data?.[Object.keys(response.data ?? {})[0]] ?? null).toBeNull();
}

describe.each(CASES.map((bad) => [bad.label, bad] as const))("bad input: %s", (_label, bad) => {
  // Government: the widest access, so nothing but the input can be the reason for a refusal.
  const government = PERSONAS.government;
  it("is BAD_USER_INPUT through the gateway", async () => {
    expectClearRefusal(bad.label, await asPersona(government, bad.query, bad.variables));
  });
  it(`is BAD_USER_INPUT straight at the ${bad.subgraph} subgraph`, async () => {
    expectClearRefusal(bad.label, await asPersonaAt(bad.subgraph, government, bad.query, bad.variables));
  });
});

describe("bad input: the message says what is wrong", () => {
  it("names the argument and the reason", async () => {
    const response = await asPersona(PERSONAS.government, VICTIMS_PAGE, { filter: { nationality: "P\u0000H" } });
    expect(response.errors![0].message).toBe("Invalid input: filter.nationality must not contain a NUL character");
    const id = await asPersona(PERSONAS.government, "query ($id: ID!) { victim(id: $id) { id } }", { id: "42" });
    expect(id.errors![0].message).toBe("Invalid input: id must be an id the hub gave out (a UUID)");
  });

  it("real cursors and organisation ids still work", async () => {
    const first = await asPersona<{ victims: { edges: Array<{ cursor: string }> } }>(
      PERSONAS.government,
      VICTIMS_PAGE,
      {},
    );
    const next = await asPersona(PERSONAS.government, VICTIMS_PAGE, { after: first.data!.victims.edges[1].cursor });
    expect(next.errors).toBeUndefined();
    const cases = await asPersona<{ repatriationCases: { edges: Array<{ cursor: string }> } }>(
      PERSONAS.government,
      CASES_PAGE,
      {},
    );
    expect(cases.errors).toBeUndefined();
    if (cases.data!.repatriationCases.edges.length > 0) {
      expect(
        (await asPersona(PERSONAS.government, CASES_PAGE, { after: cases.data!.repatriationCases.edges[0].cursor }))
          .errors,
      ).toBeUndefined();
    }
    const shelter = await asPersona<{ shelter: { id: string } }>(
      PERSONAS.government,
      "query ($id: ID!) { shelter(id: $id) { id } }",
      { id: "shelter-maesot-1" },
    );
    expect(shelter.data!.shelter.id).toBe("shelter-maesot-1");
  });
});
