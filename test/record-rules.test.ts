/**
 * Which records each persona sees, through the gateway and straight at the subgraphs
 * (including `_entities` with hand-written representations), and the absence of an
 * existence oracle: a hidden record answers exactly like one that does not exist.
 */
import { asPersona, asPersonaAt, PERSONAS, type GraphQLResponse } from "./support/hub";

interface CaseFacts {
  id: string;
  nationality: string;
  consents: Array<{ kind: string; granted: boolean }>;
  referrals: Array<{ toOrg: string; status: string }>;
}

let cases: CaseFacts[] = [];

type VictimIdPage = {
  victims: {
    edges: Array<{ node: { id: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string };
    totalCount: number;
  };
};

async function allCasesAsGovernment(): Promise<CaseFacts[]> {
  const all: CaseFacts[] = [];
  let after: string | null = null;
  for (;;) {
    const response: Awaited<
      ReturnType<
        typeof asPersona<{
          victims: { edges: Array<{ node: CaseFacts }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
        }>
      >
    > = await asPersona(
      PERSONAS.government,
      `query ($after: String) { victims(first: 100, after: $after) { edges { node { id nationality consents { kind granted } referrals { toOrg status } } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    all.push(...response.data!.victims.edges.map((edge) => edge.node));
    if (!response.data!.victims.pageInfo.hasNextPage) return all;
    after = response.data!.victims.pageInfo.endCursor;
  }
}

const consented = (facts: CaseFacts, kind: string) =>
  facts.consents.some((consent) => consent.kind === kind && consent.granted);
const referredTo = (facts: CaseFacts, org: string) =>
  facts.referrals.some((r) => r.toOrg === org && ["PENDING", "ACCEPTED"].includes(r.status));

/**
 * What `persona` sees, and what the rule says it should see, over the same state: other
 * test files grant and withdraw consents meanwhile, so the case list is read before and
 * after, and the comparison retried until nothing relevant moved in between.
 */
async function seenAndExpected(
  persona: (typeof PERSONAS)[keyof typeof PERSONAS],
  rule: (facts: CaseFacts) => boolean,
): Promise<{ seen: Set<string>; expected: Set<string> }> {
  const expectedOf = (all: CaseFacts[]) => new Set(all.filter(rule).map((c) => c.id));
  for (let attempt = 1; ; attempt += 1) {
    const before = expectedOf(await allCasesAsGovernment());
    const seen = await visibleIds(persona);
    const after = expectedOf(await allCasesAsGovernment());
    if ((before.size === after.size && [...before].every((id) => after.has(id))) || attempt === 5)
      return { seen, expected: after };
  }
}

async function visibleIds(persona: (typeof PERSONAS)[keyof typeof PERSONAS]): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const response: GraphQLResponse<VictimIdPage> = await asPersona<VictimIdPage>(
      persona,
      `query ($after: String) { victims(first: 100, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    for (const edge of response.data!.victims.edges) ids.add(edge.node.id);
    if (!response.data!.victims.pageInfo.hasNextPage) {
      expect(response.data!.victims.totalCount).toBe(ids.size); // counts follow the record rule too
      return ids;
    }
    after = response.data!.victims.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  cases = await allCasesAsGovernment();
  // The demo release, plus whatever the workflow tests register meanwhile (under partners of their own).
  expect(cases.length).toBeGreaterThanOrEqual(260);
});

describe("record rules", () => {
  it("the Philippine embassy sees exactly the Philippine nationals who consented to consular contact", async () => {
    const { seen, expected } = await seenAndExpected(
      PERSONAS.embassyPH,
      (c) => c.nationality === "PH" && consented(c, "CONSULAR_CONTACT"),
    );
    expect(seen).toEqual(expected);
    expect(cases.some((c) => c.nationality === "PH" && !consented(c, "CONSULAR_CONTACT"))).toBe(true);
  });

  it("an NGO sees exactly the cases it owns plus those referred to it", async () => {
    const lighthouse = await visibleIds(PERSONAS.ngo);
    const harbour = await visibleIds(PERSONAS.otherNgo);
    expect(lighthouse.size).toBeGreaterThan(0);
    expect(harbour.size).toBeGreaterThan(0);
    expect([...lighthouse].some((id) => harbour.has(id))).toBe(false); // demo data refers no case between them
    expect(lighthouse.size + harbour.size).toBe(260);
  });

  it("a shelter sees exactly the cases referred to it", async () => {
    const { seen, expected } = await seenAndExpected(PERSONAS.shelter, (c) => referredTo(c, "shelter-maesot-1"));
    expect(expected.size).toBeGreaterThan(0);
    expect(seen).toEqual(expected);
  });

  it("the repatriation agency sees cases referred to it or whose victim consented to repatriation", async () => {
    const { seen, expected } = await seenAndExpected(
      PERSONAS.repatriation,
      (c) => referredTo(c, "repatriation-agency") || consented(c, "REPATRIATION"),
    );
    expect(seen).toEqual(expected);
  });

  it("the auditor reads no victim at all", async () => {
    const response = await asPersona(PERSONAS.auditor, `{ victims { totalCount edges { node { id } } } }`);
    expect(response.data?.victims).toBeNull();
    const direct = await asPersonaAt<{ victims: { totalCount: number } }>(
      "victims",
      PERSONAS.auditor,
      `{ victims { totalCount } }`,
    );
    expect(direct.data?.victims ?? null).toBeNull();
  });
});

describe("no existence oracle", () => {
  const kenyan = () => cases.find((c) => c.nationality === "KE" && consented(c, "CONSULAR_CONTACT"))!;
  const silentFilipino = () => cases.find((c) => c.nationality === "PH" && !consented(c, "CONSULAR_CONTACT"))!;
  const NON_EXISTENT = "00000000-0000-4000-8000-000000000000";

  it("a hidden case answers exactly like a case that does not exist, through the gateway", async () => {
    const query = `query ($id: ID!) { victim(id: $id) { id legalName } }`;
    // (An id that is not a UUID is refused as BAD_USER_INPUT before any record is looked for: test/attacks/bad-input.test.ts.)
    const answers = await Promise.all(
      [kenyan().id, silentFilipino().id, NON_EXISTENT].map((id) => asPersona(PERSONAS.embassyPH, query, { id })),
    );
    const shape = (response: (typeof answers)[number]) => ({
      data: response.data,
      errors: response.errors?.map((e) => ({ message: e.message, code: e.extensions?.code, path: e.path })),
    });
    expect(shape(answers[0])).toEqual({
      data: { victim: null },
      errors: [{ message: "Victim not found", code: "NOT_FOUND", path: ["victim"] }],
    });
    for (const answer of answers.slice(1)) expect(shape(answer)).toEqual(shape(answers[0]));
  });

  it("`_entities` straight at each subgraph, with hand-written representations, reveals nothing about hidden cases", async () => {
    const hidden = [kenyan().id, silentFilipino().id];
    const victims = await asPersonaAt<{ _entities: unknown[] }>(
      "victims",
      PERSONAS.embassyPH,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { id legalName } } }`,
      {
        r: hidden.map((id) => ({
          __typename: "Victim",
          id,
          nationality: "PH",
          consents: [{ kind: "CONSULAR_CONTACT", granted: true }],
        })),
      },
    );
    expect(victims.data!._entities).toEqual([null, null]);
    const shelters = await asPersonaAt<{ _entities: Array<{ currentPlacement: unknown }> }>(
      "shelters",
      PERSONAS.embassyPH,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { currentPlacement { id shelter { id } } } } }`,
      {
        r: hidden.map((id) => ({ __typename: "Victim", id, nationality: "PH" })),
      },
    );
    expect(shelters.data!._entities.map((entity) => entity.currentPlacement)).toEqual([null, null]);
    const embassies = await asPersonaAt<{
      _entities: Array<{ travelDocuments: unknown[]; nationalityVerification: unknown }>;
    }>(
      "embassies",
      PERSONAS.embassyPH,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { travelDocuments { number } nationalityVerification { status } } } }`,
      {
        r: hidden.map((id) => ({ __typename: "Victim", id })),
      },
    );
    expect(embassies.data!._entities).toEqual([
      { travelDocuments: [], nationalityVerification: null },
      { travelDocuments: [], nationalityVerification: null },
    ]);
    const repatriation = await asPersonaAt<{ _entities: Array<{ repatriation: unknown }> }>(
      "repatriation",
      PERSONAS.embassyPH,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { repatriation { status } } } }`,
      {
        r: hidden.map((id) => ({ __typename: "Victim", id })),
      },
    );
    expect(repatriation.data!._entities).toEqual([{ repatriation: null }, { repatriation: null }]);
  });

  it("a visible case does resolve through `_entities` (the test above can fail)", async () => {
    const visible = cases.find((c) => c.nationality === "PH" && consented(c, "CONSULAR_CONTACT"))!;
    const response = await asPersonaAt<{ _entities: Array<{ id: string } | null> }>(
      "victims",
      PERSONAS.embassyPH,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { id } } }`,
      {
        r: [{ __typename: "Victim", id: visible.id }],
      },
    );
    expect(response.data!._entities).toEqual([{ id: visible.id }]);
  });
});
