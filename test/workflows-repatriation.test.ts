/**
 * Journeys home through the gateway: opening a case (consent, one open case per
 * person, facts from the victims subgraph), the state machine exhaustively — every
 * state × every target state × every kind of caller — with its preconditions (a
 * valid travel document before READY, a journey leg before TRAVEL_BOOKED, consent
 * standing), and the history of every step. Uses Brazilian cases of its own NGOs,
 * which no other test reads.
 */
import type { DevTokenRequest } from "../platform/auth/tokens";
import { confirmNationality, consent, issueTravelDocument, register } from "./support/cases";
import { asPersona, asPersonaAt, errorCodes, PERSONAS } from "./support/hub";

const owner = { role: "ngo", org: "ngo-repatriation-owner" } as const;
const receiving = { role: "ngo", org: "ngo-reception-br" } as const;
const embassyBR = { role: "embassy", org: "embassy-BR", country: "BR" } as const;
const agency = PERSONAS.repatriation;

const CASE_FIELDS =
  "id status destinationCountry receivingOrganisation receivingOrgId escortRequired escortNeeds journeyLegs { sequence mode fromPlace toPlace } history { fromStatus toStatus byOrg byRole at }";
const REQUEST = `mutation ($victimId: ID!, $request: RepatriationRequestInput!) { requestRepatriation(victimId: $victimId, request: $request) { ${CASE_FIELDS} } }`;
// Only fields every caller of this mutation may read (escortNeeds is not for embassies).
const CHANGE = `mutation ($id: ID!, $to: RepatriationStatus!) { changeRepatriationStatus(id: $id, to: $to) { id status history { fromStatus toStatus byOrg byRole at } } }`;
const ADD_LEG = `mutation ($caseId: ID!, $leg: JourneyLegInput!) { addJourneyLeg(caseId: $caseId, leg: $leg) { ${CASE_FIELDS} } }`;

type State = "REQUESTED" | "DOCUMENTS_PENDING" | "READY" | "TRAVEL_BOOKED" | "DEPARTED" | "ARRIVED" | "CANCELLED";
type Case = {
  id: string;
  status: State;
  destinationCountry: string;
  escortRequired: boolean;
  escortNeeds: string | null;
  receivingOrgId: string | null;
  journeyLegs: Array<{ sequence: number; mode: string }>;
  history: Array<{ fromStatus: State | null; toStatus: State; byOrg: string; byRole: string; at: string }>;
};

const STATES: State[] = [
  "REQUESTED",
  "DOCUMENTS_PENDING",
  "READY",
  "TRAVEL_BOOKED",
  "DEPARTED",
  "ARRIVED",
  "CANCELLED",
];
const LEG = {
  mode: "FLIGHT",
  fromPlace: "Bangkok",
  toPlace: "Brasilia",
  carrier: "Demo Air DA 101",
  departsAt: "2026-12-10T08:00:00Z",
  arrivesAt: "2026-12-11T06:00:00Z",
};

/** A Brazilian case of `owner`, confirmed national with a valid document and both consents. */
async function travelReadyPerson(overrides: Record<string, unknown> = {}): Promise<string> {
  const victim = await register(owner, { nationality: "BR", ...overrides });
  await consent(owner, victim.id, "CONSULAR_CONTACT", true);
  await consent(owner, victim.id, "REPATRIATION", true);
  await confirmNationality(owner, embassyBR, victim.id);
  await issueTravelDocument(embassyBR, victim.id);
  return victim.id;
}

async function requestFor(persona: DevTokenRequest, victimId: string, request: Record<string, unknown> = {}) {
  return asPersona<{ requestRepatriation: Case }>(persona, REQUEST, {
    victimId,
    request: {
      receivingOrganisation: "Reception centre, Brasilia (fictional)",
      receivingOrgId: receiving.org,
      ...request,
    },
  });
}

async function change(persona: DevTokenRequest, id: string, to: State) {
  return asPersona<{ changeRepatriationStatus: Case }>(persona, CHANGE, { id, to });
}

async function expectChanged(persona: DevTokenRequest, id: string, to: State): Promise<Case> {
  const response = await change(persona, id, to);
  expect({ to, errors: response.errors }).toEqual({ to, errors: undefined });
  return response.data!.changeRepatriationStatus;
}

/** Walks a new case to `state` along the happy path, each step by the party that makes it. */
async function caseIn(state: State): Promise<Case> {
  const victimId = await travelReadyPerson();
  const opened = await requestFor(owner, victimId);
  expect(opened.errors).toBeUndefined();
  let current = opened.data!.requestRepatriation;
  expect((await asPersona(agency, ADD_LEG, { caseId: current.id, leg: LEG })).errors).toBeUndefined();
  const path: Array<[State, DevTokenRequest]> =
    state === "CANCELLED"
      ? [["CANCELLED", owner]]
      : (
          [
            ["DOCUMENTS_PENDING", agency],
            ["READY", agency],
            ["TRAVEL_BOOKED", agency],
            ["DEPARTED", agency],
            ["ARRIVED", embassyBR],
          ] as Array<[State, DevTokenRequest]>
        ).slice(0, STATES.indexOf(state));
  for (const [to, persona] of path) current = await expectChanged(persona, current.id, to);
  expect(current.status).toBe(state);
  return current;
}

async function statusOf(id: string): Promise<State> {
  type Page = {
    repatriationCases: {
      edges: Array<{ node: { id: string; status: State } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
  };
  const query = `query ($after: String) { repatriationCases(first: 100, after: $after, filter: { destinationCountry: "BR" }) { edges { node { id status } } pageInfo { hasNextPage endCursor } } }`;
  for (let after: string | null = null; ;) {
    const page: Page = (await asPersona<Page>(agency, query, { after })).data!;
    const found = page.repatriationCases.edges.find((edge) => edge.node.id === id);
    if (found) return found.node.status;
    if (!page.repatriationCases.pageInfo.hasNextPage) throw new Error(`case ${id} not found`);
    after = page.repatriationCases.pageInfo.endCursor;
  }
}

describe("requestRepatriation", () => {
  it("opens a case with destination, owner and medical escort taken from the victims subgraph, and records the request", async () => {
    const victimId = await travelReadyPerson({ requiresMedicalEscort: true });
    const response = await requestFor(owner, victimId);
    expect(response.errors).toBeUndefined();
    const opened = response.data!.requestRepatriation;
    expect(opened).toMatchObject({
      status: "REQUESTED",
      destinationCountry: "BR",
      escortRequired: true,
      escortNeeds: "Medical escort",
      receivingOrgId: receiving.org,
      journeyLegs: [],
    });
    expect(opened.history).toEqual([
      { fromStatus: null, toStatus: "REQUESTED", byOrg: owner.org, byRole: "ngo", at: expect.any(String) },
    ]);
    const viaVictim = await asPersona<{ victim: { repatriation: { id: string } } }>(
      owner,
      "query ($id: ID!) { victim(id: $id) { repatriation { id } } }",
      { id: victimId },
    );
    expect(viaVictim.data!.victim.repatriation).toEqual({ id: opened.id });
  });

  it("needs repatriation consent, and one open case per person", async () => {
    const victim = await register(owner, { nationality: "BR" });
    expect(errorCodes(await requestFor(owner, victim.id))).toEqual(["CONSENT_REQUIRED"]);
    await consent(owner, victim.id, "REPATRIATION", true);
    expect((await requestFor(owner, victim.id)).errors).toBeUndefined();
    expect(errorCodes(await requestFor(agency, victim.id))).toEqual(["CONFLICT"]);
  });

  it("the agency and government may open one; another NGO gets NOT_FOUND; other roles are refused", async () => {
    const [forAgency, forGovernment] = [await travelReadyPerson(), await travelReadyPerson()];
    expect((await requestFor(agency, forAgency)).errors).toBeUndefined();
    expect((await requestFor(PERSONAS.government, forGovernment)).errors).toBeUndefined();
    const victimId = await travelReadyPerson();
    expect(errorCodes(await requestFor(PERSONAS.otherNgo, victimId))).toEqual(["NOT_FOUND"]);
    for (const name of ["shelter", "embassyPH", "auditor"] as const) {
      expect(errorCodes(await requestFor(PERSONAS[name], victimId))).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      expect(
        errorCodes(
          await asPersonaAt("repatriation", PERSONAS[name], REQUEST, {
            victimId,
            request: { receivingOrganisation: "x x x" },
          }),
        ),
      ).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    }
  });

  it("rejects bad input naming the field", async () => {
    const victimId = await travelReadyPerson();
    const response = await requestFor(owner, victimId, { receivingOrganisation: "x", receivingOrgId: "Not An Org" });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
    expect(response.errors![0].extensions!.rowErrors).toEqual([
      { field: "receivingOrganisation", reason: expect.any(String) },
      { field: "receivingOrgId", reason: expect.stringMatching(/organisation id/) },
    ]);
  });
});

/**
 * The specification, written out from the issue and DESIGN.md (not read from the
 * code): which state may follow which, and which callers may make each step.
 */
const NEXT: Record<State, State[]> = {
  REQUESTED: ["DOCUMENTS_PENDING", "CANCELLED"],
  DOCUMENTS_PENDING: ["READY", "CANCELLED"],
  READY: ["TRAVEL_BOOKED", "CANCELLED"],
  TRAVEL_BOOKED: ["DEPARTED", "CANCELLED"],
  DEPARTED: ["ARRIVED", "CANCELLED"],
  ARRIVED: [],
  CANCELLED: [],
};
const CALLERS = {
  government: PERSONAS.government,
  agency,
  owner,
  receiving,
  destinationEmbassy: embassyBR,
  otherEmbassy: PERSONAS.embassyPH,
  otherNgo: PERSONAS.otherNgo,
  shelter: PERSONAS.shelter,
  auditor: PERSONAS.auditor,
} as const satisfies Record<string, DevTokenRequest>;
type Caller = keyof typeof CALLERS;
const CANCELLERS: Caller[] = ["agency", "government", "owner"];
const MAY: Partial<Record<State, Caller[]>> = {
  DOCUMENTS_PENDING: ["agency", "government"],
  READY: ["agency", "government"],
  TRAVEL_BOOKED: ["agency"],
  DEPARTED: ["agency"],
  ARRIVED: ["destinationEmbassy", "receiving"],
  CANCELLED: CANCELLERS,
};

function expectedOutcome(from: State, to: State, caller: Caller): string {
  if (caller === "shelter" || caller === "auditor") return "UNAUTHORIZED_FIELD_OR_TYPE";
  if (caller === "otherEmbassy" || caller === "otherNgo") return "NOT_FOUND";
  if (!NEXT[from].includes(to)) return "INVALID_TRANSITION";
  return MAY[to]!.includes(caller) ? "OK" : "FORBIDDEN";
}

describe("the repatriation state machine, every state × every target × every caller", () => {
  it.each(STATES)("from %s", async (from) => {
    const base = await caseIn(from);
    const attempts = STATES.flatMap((to) =>
      (Object.keys(CALLERS) as Caller[]).map((caller) => ({ to, caller, expected: expectedOutcome(from, to, caller) })),
    );
    // Everything that must fail, tried on one case at once: none may change it.
    const refused = attempts.filter((attempt) => attempt.expected !== "OK");
    const outcomes = await Promise.all(
      refused.map(async ({ to, caller }) => errorCodes(await change(CALLERS[caller], base.id, to)).join()),
    );
    expect(refused.map(({ to, caller }, index) => `${to} by ${caller}: ${outcomes[index]}`)).toEqual(
      refused.map(({ to, caller, expected }) => `${to} by ${caller}: ${expected}`),
    );
    const invalid = await change(CALLERS.agency, base.id, from === "REQUESTED" ? "ARRIVED" : "REQUESTED");
    expect(invalid.errors![0].extensions).toMatchObject({ currentState: from, allowedTransitions: NEXT[from] });
    expect(await statusOf(base.id)).toBe(from);
    // Every allowed step, each on a fresh case in the same state.
    const allowed = attempts.filter((attempt) => attempt.expected === "OK");
    for (const { to, caller } of allowed) {
      const fresh = await caseIn(from);
      const moved = await expectChanged(CALLERS[caller], fresh.id, to);
      expect(moved.status).toBe(to);
      expect(moved.history.at(-1)).toMatchObject({
        fromStatus: from,
        toStatus: to,
        byOrg: CALLERS[caller].org,
        byRole: CALLERS[caller].role,
      });
    }
    expect(allowed.length).toBe(NEXT[from].reduce((sum, to) => sum + MAY[to]!.length, 0));
  });
});

describe("preconditions and history", () => {
  it("READY needs a valid travel document of the destination country: a revoked one does not count", async () => {
    const victim = await register(owner, { nationality: "BR" });
    await consent(owner, victim.id, "CONSULAR_CONTACT", true);
    await consent(owner, victim.id, "REPATRIATION", true);
    await confirmNationality(owner, embassyBR, victim.id);
    const opened = (await requestFor(owner, victim.id)).data!.requestRepatriation;
    await expectChanged(agency, opened.id, "DOCUMENTS_PENDING");
    expect(errorCodes(await change(agency, opened.id, "READY"))).toEqual(["CONFLICT"]);
    const documentId = await issueTravelDocument(embassyBR, victim.id);
    expect(
      (
        await asPersona(embassyBR, "mutation ($id: ID!) { revokeTravelDocument(id: $id) { status } }", {
          id: documentId,
        })
      ).errors,
    ).toBeUndefined();
    expect(errorCodes(await change(agency, opened.id, "READY"))).toEqual(["CONFLICT"]);
    await issueTravelDocument(embassyBR, victim.id);
    expect((await expectChanged(agency, opened.id, "READY")).status).toBe("READY");
  });

  it("TRAVEL_BOOKED needs a journey leg; legs are numbered in order and planned only before departure", async () => {
    const victimId = await travelReadyPerson();
    const opened = (await requestFor(owner, victimId)).data!.requestRepatriation;
    await expectChanged(agency, opened.id, "DOCUMENTS_PENDING");
    await expectChanged(agency, opened.id, "READY");
    expect(errorCodes(await change(agency, opened.id, "TRAVEL_BOOKED"))).toEqual(["CONFLICT"]);
    await asPersona(agency, ADD_LEG, {
      caseId: opened.id,
      leg: { ...LEG, mode: "BUS", fromPlace: "Mae Sot", toPlace: "Bangkok" },
    });
    const planned = await asPersona<{ addJourneyLeg: Case }>(agency, ADD_LEG, { caseId: opened.id, leg: LEG });
    expect(planned.data!.addJourneyLeg.journeyLegs.map((leg) => [leg.sequence, leg.mode])).toEqual([
      [1, "BUS"],
      [2, "FLIGHT"],
    ]);
    await expectChanged(agency, opened.id, "TRAVEL_BOOKED");
    await expectChanged(agency, opened.id, "DEPARTED");
    expect(errorCodes(await asPersona(agency, ADD_LEG, { caseId: opened.id, leg: LEG }))).toEqual(["CONFLICT"]);
  });

  it("addJourneyLeg checks its input and is the agency's alone", async () => {
    const victimId = await travelReadyPerson();
    const opened = (await requestFor(owner, victimId)).data!.requestRepatriation;
    const backwards = await asPersona(agency, ADD_LEG, {
      caseId: opened.id,
      leg: { ...LEG, arrivesAt: "2026-12-09T08:00:00Z" },
    });
    expect(backwards.errors![0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      rowErrors: [{ field: "arrivesAt", reason: "arrivesAt must be after departsAt" }],
    });
    const badDate = await asPersona(agency, ADD_LEG, { caseId: opened.id, leg: { ...LEG, departsAt: "tomorrow" } });
    expect(badDate.errors![0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      rowErrors: [{ field: "departsAt", reason: expect.stringMatching(/ISO 8601/) }],
    });
    for (const persona of [owner, PERSONAS.government, embassyBR, PERSONAS.shelter, PERSONAS.auditor]) {
      expect(errorCodes(await asPersona(persona, ADD_LEG, { caseId: opened.id, leg: LEG }))).toEqual([
        "UNAUTHORIZED_FIELD_OR_TYPE",
      ]);
      expect(errorCodes(await asPersonaAt("repatriation", persona, ADD_LEG, { caseId: opened.id, leg: LEG }))).toEqual([
        "UNAUTHORIZED_FIELD_OR_TYPE",
      ]);
    }
  });

  it("withdrawing repatriation consent stops the journey on the next request; cancelling still works", async () => {
    const victimId = await travelReadyPerson();
    const opened = (await requestFor(owner, victimId)).data!.requestRepatriation;
    await consent(owner, victimId, "REPATRIATION", false);
    expect(errorCodes(await change(agency, opened.id, "DOCUMENTS_PENDING"))).toEqual(["CONSENT_REQUIRED"]);
    expect(errorCodes(await change(PERSONAS.government, opened.id, "DOCUMENTS_PENDING"))).toEqual(["CONSENT_REQUIRED"]);
    expect((await expectChanged(owner, opened.id, "CANCELLED")).status).toBe("CANCELLED");
  });

  it("two simultaneous identical steps: one succeeds, the other gets INVALID_TRANSITION", async () => {
    const current = await caseIn("REQUESTED");
    const attempts = await Promise.all([
      change(agency, current.id, "DOCUMENTS_PENDING"),
      change(PERSONAS.government, current.id, "DOCUMENTS_PENDING"),
    ]);
    expect(attempts.map((attempt) => (attempt.errors ? errorCodes(attempt).join() : "OK")).sort()).toEqual([
      "INVALID_TRANSITION",
      "OK",
    ]);
  });

  it("a full journey's history names every step, who made it and when, in order", async () => {
    const arrived = await caseIn("ARRIVED");
    expect(arrived.history.map((step) => [step.fromStatus, step.toStatus, step.byOrg])).toEqual([
      [null, "REQUESTED", owner.org],
      ["REQUESTED", "DOCUMENTS_PENDING", agency.org],
      ["DOCUMENTS_PENDING", "READY", agency.org],
      ["READY", "TRAVEL_BOOKED", agency.org],
      ["TRAVEL_BOOKED", "DEPARTED", agency.org],
      ["DEPARTED", "ARRIVED", embassyBR.org],
    ]);
    const times = arrived.history.map((step) => Date.parse(step.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The receiving organisation sees the case it confirmed, and nothing else of the person.
    const asReceiver = await asPersona<{
      repatriationCases: { edges: Array<{ node: { id: string; victim: unknown } }> };
    }>(receiving, "{ repatriationCases(first: 100) { edges { node { id victim { id } } } } }");
    expect(asReceiver.data!.repatriationCases.edges).toContainEqual({ node: { id: arrived.id, victim: null } });
  });
});
