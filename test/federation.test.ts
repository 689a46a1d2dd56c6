/** The cross-subgraph read every embassy portal makes, and its cost in SQL statements. */
import { asPersona, PERSONAS } from "./support/hub";

const NATIONALS_DASHBOARD = /* GraphQL */ `
  query Dashboard($first: Int) {
    nationals(first: $first) {
      totalCount
      edges {
        node {
          id
          caseNumber
          nationality
          legalName
          currentPlacement {
            shelter {
              id
              name
              freeBeds
            }
            placedAt
          }
          nationalityVerification {
            status
            decidedAt
          }
          travelDocuments {
            kind
            number
            expiresOn
          }
          repatriation {
            status
            destinationCountry
            journeyLegs {
              sequence
              toPlace
            }
          }
        }
      }
    }
  }
`;

interface DashboardData {
  nationals: {
    totalCount: number;
    edges: Array<{
      node: {
        nationality: string;
        currentPlacement: { shelter: { id: string; freeBeds: number } } | null;
        nationalityVerification: { status: string } | null;
        travelDocuments: Array<{ number: string | null }>;
        repatriation: { status: string; destinationCountry: string } | null;
      };
    }>;
  };
}

describe("an embassy lists its nationals with placement, documents and repatriation (all four subgraphs)", () => {
  it("answers from every subgraph, only with the embassy's own consenting nationals", async () => {
    // The page and its totalCount are two statements: other files register and withdraw Filipinos on the shared hub
    // between them now and then, so an answer whose two disagree is taken again (at most twice); one must agree.
    let response = await asPersona<DashboardData>(PERSONAS.embassyPH, NATIONALS_DASHBOARD, { first: 100 });
    for (
      let again = 0;
      again < 2 && response.data?.nationals.edges.length !== response.data?.nationals.totalCount;
      again++
    )
      response = await asPersona<DashboardData>(PERSONAS.embassyPH, NATIONALS_DASHBOARD, { first: 100 });
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    const nodes = response.data!.nationals.edges.map((edge) => edge.node);
    expect(nodes.length).toBe(response.data!.nationals.totalCount);
    expect(nodes.length).toBeGreaterThan(10);
    expect(nodes.every((node) => node.nationality === "PH")).toBe(true);
    // One statement per kind of data per fetch, an audit append per subgraph whose personal data was read, and no
    // visibility query beyond the victims page: its grant answers the others (no question), read from the page's rows.
    expect(response.extensions!.sqlStatements).toEqual({
      victims: 2 + 1,
      shelters: 1 + 1,
      embassies: 2 + 1,
      repatriation: 2 + 1,
    });
    expect(response.extensions!.peerQuestions).toEqual({ victims: 0, shelters: 0, embassies: 0, repatriation: 0 });
    expect(nodes.some((node) => node.currentPlacement?.shelter.id)).toBe(true);
    expect(nodes.some((node) => node.nationalityVerification?.status === "CONFIRMED")).toBe(true);
    expect(nodes.some((node) => node.travelDocuments.length > 0 && node.travelDocuments[0].number)).toBe(true);
    expect(
      nodes.filter((node) => node.repatriation).every((node) => node.repatriation!.destinationCountry === "PH"),
    ).toBe(true);
  });

  it("loads entities in batches: the number of SQL statements does not grow with the page", async () => {
    const small = await asPersona<DashboardData>(
      PERSONAS.government,
      NATIONALS_DASHBOARD.replace("nationals(first: $first)", 'nationals(country: "PH", first: $first)'),
      { first: 3 },
    );
    const large = await asPersona<DashboardData>(
      PERSONAS.government,
      NATIONALS_DASHBOARD.replace("nationals(first: $first)", 'nationals(country: "PH", first: $first)'),
      { first: 40 },
    );
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data!.nationals.edges.length).toBeGreaterThan(30);
    const statements = large.extensions!.sqlStatements as Record<string, number>;
    // victims: page + count; shelters: placements with shelters; embassies: verifications + documents;
    // repatriation: cases + journey legs. One statement per entity type per fetch, plus one
    // audit append per subgraph whose personal data was read.
    // The victims fetch also seals the grant that spares the others their questions, from the page's own rows:
    // no statement of its own (victim-access-grants.test.ts).
    expect(statements).toEqual({ victims: 2 + 1, shelters: 1 + 1, embassies: 2 + 1, repatriation: 2 + 1 });
    // A small page may touch fewer kinds of data (no journey under way among 3 people), never more.
    for (const [subgraph, count] of Object.entries(small.extensions!.sqlStatements as Record<string, number>))
      expect(count).toBeLessThanOrEqual(statements[subgraph]);
  });
});

describe("a full profile", () => {
  it("reads each kind of data once, and the grant from the case's own row", async () => {
    const first = await asPersona<{ victims: { edges: Array<{ node: { id: string } }> } }>(
      PERSONAS.government,
      "{ victims(first: 1) { edges { node { id } } } }",
    );
    const profile = await asPersona(
      PERSONAS.government,
      `query ($id: ID!) { victim(id: $id) { id caseNumber legalName testimony consents { kind granted } referrals { toOrg status }
        currentPlacement { placedAt shelter { name } } nationalityVerification { status } travelDocuments { kind number }
        repatriation { status journeyLegs { toPlace } } } }`,
      { id: first.data!.victims.edges[0].node.id },
    );
    expect(profile.errors).toBeUndefined();
    // victims: the case, its consents, its referrals, the audit append (the grant costs none);
    // shelters: placement with shelter + audit; embassies: verifications, documents (+ audit when any);
    // repatriation: case, legs (+ audit when any). No subgraph asks who may see the person.
    const statements = profile.extensions!.sqlStatements as Record<string, number>;
    expect(statements.victims).toBe(3 + 1);
    expect(statements.shelters).toBeLessThanOrEqual(1 + 1);
    expect(statements.embassies).toBeLessThanOrEqual(2 + 1);
    expect(statements.repatriation).toBeLessThanOrEqual(2 + 1);
    expect(profile.extensions!.peerQuestions).toEqual({ victims: 0, shelters: 0, embassies: 0, repatriation: 0 });
  });
});

describe("the shelter board", () => {
  it("loads the residents of every shelter on the page in one statement, whatever the number of shelters", async () => {
    const board = (first: number) =>
      asPersona<{ shelters: { edges: unknown[] } }>(
        PERSONAS.ngo,
        `{ shelters(first: ${first}) { edges { node { id freeBeds residents { id placedAt } } } } }`,
      );
    const [two, six] = [await board(2), await board(6)];
    expect(two.errors).toBeUndefined();
    expect(six.data!.shelters.edges).toHaveLength(6);
    // The page of shelters, their open stays, and the audit of the stays read — the last only when the
    // page shows a resident this NGO may see (other files open shelters of their own, which sort first).
    expect(six.extensions!.sqlStatements).toEqual({ shelters: 3 });
    const twoStatements = (two.extensions!.sqlStatements as { shelters: number }).shelters;
    expect(twoStatements === 2 || twoStatements === 3).toBe(true);
  });
});
