/** What each read scenario sends, as whom, to which targets, and the check of its answer. */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { PERSONAS } from "../../demo/personas";

export type Target = "hub" | "stock" | "victims" | "floor";

export interface AnswerJson {
  data?: Record<string, unknown>;
}

export interface ReadScenario {
  name: string;
  query: string;
  persona: DevTokenRequest;
  /** Whether an answer is the right one (every answer under load must equal the checked first one). */
  check: (json: AnswerJson) => boolean;
  targets: Target[];
}

/** (a) with a page of `first` (the statement sweep asks 1, 10 and 100; the measured page is 100). */
export const dashboard = (
  first: number,
) => `query Dashboard { nationals(first: ${first}) { edges { node { id caseNumber legalName
  currentPlacement { placedAt shelter { name } } travelDocuments { kind number expiresOn } repatriation { status destinationCountry } } } } }`;
export const DASHBOARD = dashboard(100);
const DASHBOARD_FIRST_FETCH = `query Dashboard { nationals(first: 100) { edges { node { id caseNumber legalName } } } }`;
export const SHELTER_BOARD = `query Board { shelters(first: 50) { edges { node { id name region capacity freeBeds services languages } } } }`;
export const profile = (
  id: string,
) => `query Profile { victim(id: "${id}") { id caseNumber nationality legalName dateOfBirth nrmStatus identifiedAt rescueLocation medicalNeeds
  requiresMedicalEscort testimony familyContact consents { kind granted } referrals { toOrg status }
  currentPlacement { placedAt shelter { name } } nationalityVerification { status } travelDocuments { kind number } repatriation { status journeyLegs { toPlace } } } }`;

/** The query that finds the victim (b) profiles. */
export const FIRST_VICTIM = "{ victims(first: 1) { edges { node { id } } } }";

export const hasRows = (count: number) => (json: AnswerJson) =>
  ((json.data?.nationals as { edges?: unknown[] } | undefined)?.edges?.length ?? 0) === count;

/** (a) an embassy's dashboard at about 1,000 people, before the rest is seeded. */
export const SMALL_DASHBOARD: ReadScenario = {
  name: "a",
  query: DASHBOARD,
  persona: PERSONAS.embassyPH,
  check: hasRows(100),
  targets: ["hub"],
};

/** (a) the dashboard, its first fetch straight at the victims subgraph, (b) one full profile, (c) the shelter board. */
export function readScenarios(profileId: string): ReadScenario[] {
  return [
    {
      name: "a",
      query: DASHBOARD,
      persona: PERSONAS.embassyPH,
      check: hasRows(100),
      targets: ["hub", "stock", "floor"],
    },
    {
      name: "a, first fetch",
      query: DASHBOARD_FIRST_FETCH,
      persona: PERSONAS.embassyPH,
      check: hasRows(100),
      targets: ["victims"],
    },
    {
      name: "b",
      query: profile(profileId),
      persona: PERSONAS.government,
      check: (json) => Boolean((json.data?.victim as { id?: string } | undefined)?.id),
      targets: ["hub", "stock", "floor"],
    },
    {
      name: "c",
      query: SHELTER_BOARD,
      persona: PERSONAS.ngo,
      check: (json) => ((json.data?.shelters as { edges?: unknown[] } | undefined)?.edges?.length ?? 0) > 6,
      targets: ["hub", "stock", "floor"],
    },
  ];
}

/** (d) a screening day: `count` people in one registerVictims, and the check of its answer. */
export const INTAKE = {
  persona: { role: "ngo", org: "ngo-bench-intake" } as DevTokenRequest,
  count: 1000,
  request(round: number) {
    const victims = Array.from({ length: this.count }, (_, index) => ({
      nationality: "PH",
      gender: "FEMALE",
      ageBracket: "AGE_18_25",
      legalName: `Intake ${round}-${index} (fictional)`,
      identityDocumentNumber: `BX-INTAKE-${round}-${index}`,
    }));
    return {
      query: "mutation ($victims: [RegisterVictimInput!]!) { registerVictims(victims: $victims) { id } }",
      variables: { victims },
    };
  },
  check(json: { data?: { registerVictims?: unknown[] }; errors?: unknown[] }): boolean {
    return !json.errors && json.data?.registerVictims?.length === this.count;
  },
};
