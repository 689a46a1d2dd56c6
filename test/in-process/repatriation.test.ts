/**
 * The repatriation subgraph in process (harness.ts), with the victims subgraph started for
 * real beside it: field rules per role, `_entities`, the record rule (an embassy sees the
 * cases of its own nationals while their consular-contact consent stands) and the state
 * machine through its resolver, each step with its history and audit entry.
 */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { generateRelease } from "../../demo/release";
import { repatriationPolicy } from "../../subgraphs/repatriation/policy";
import { describeFieldRules } from "./field-rules";
import { errorCodes, PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

let repatriation: InProcessSubgraph;
beforeAll(async () => {
  repatriation = await startInProcessSubgraph("repatriation", { demoData: true });
}, START_TIMEOUT_MS);
afterAll(() => repatriation?.stop(), START_TIMEOUT_MS);

const people = generateRelease();

describeFieldRules(() => repatriation, {
  policy: repatriationPolicy,
  rootArguments: (root) => (root === "repatriationCases" ? "first: 25" : undefined),
});

describe("record rules", () => {
  it("an embassy lists the cases bound for its country whose person consented to consular contact, and no other", async () => {
    const response = await repatriation.execute<{
      repatriationCases: { totalCount: number; edges: Array<{ node: { id: string; destinationCountry: string } }> };
    }>(PERSONAS.embassyPH, "{ repatriationCases(first: 100) { totalCount edges { node { id destinationCountry } } } }");
    expect(response.errors).toBeUndefined();
    const expected = people
      .filter((person) => person.repatriation && person.nationality === "PH" && person.consents.consularContact)
      .map((person) => person.repatriation!.id);
    // Some PH cases lack the consent: the rule has something to leave out.
    expect(people.filter((person) => person.repatriation && person.nationality === "PH").length).toBeGreaterThan(
      expected.length,
    );
    expect(response.data!.repatriationCases.edges.map((edge) => edge.node.id).sort()).toEqual(expected.sort());
    expect(response.data!.repatriationCases.totalCount).toBe(expected.length);
  });

  it("`_entities`: a case reached by its id obeys the same rule (a hidden one is null)", async () => {
    const withoutConsent = people.find(
      (person) => person.repatriation && person.nationality === "PH" && !person.consents.consularContact,
    )!;
    const withConsent = people.find(
      (person) => person.repatriation && person.nationality === "PH" && person.consents.consularContact,
    )!;
    const response = await repatriation.execute<{ _entities: Array<{ id: string } | null> }>(
      PERSONAS.embassyPH,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on RepatriationCase { id } } }`,
      {
        r: [withConsent, withoutConsent].map((person) => ({
          __typename: "RepatriationCase",
          id: person.repatriation!.id,
        })),
      },
    );
    expect(response.data!._entities).toEqual([{ id: withConsent.repatriation!.id }, null]);
  });
});

describe("the state machine, through changeRepatriationStatus", () => {
  const CHANGE = `mutation ($id: ID!, $to: RepatriationStatus!) { changeRepatriationStatus(id: $id, to: $to) { id status history { fromStatus toStatus byOrg byRole } } }`;
  // A case of ngo-lighthouse bound for the Philippines, consular consent standing, still REQUESTED.
  const person = people.find(
    (candidate) =>
      candidate.repatriation?.state === "REQUESTED" &&
      candidate.nationality === "PH" &&
      candidate.consents.consularContact &&
      candidate.ownerOrg === PERSONAS.ngo.org,
  )!;
  const caseId = person.repatriation!.id;
  const change = (persona: DevTokenRequest, to: string) =>
    repatriation.execute<{
      changeRepatriationStatus: { status: string; history: Array<{ fromStatus: string | null; toStatus: string }> };
    }>(persona, CHANGE, { id: caseId, to });

  it("REQUESTED → DOCUMENTS_PENDING is not the destination embassy's step: FORBIDDEN, recorded as DENIED", async () => {
    const response = await change(PERSONAS.embassyPH, "DOCUMENTS_PENDING");
    expect(errorCodes(response)).toEqual(["FORBIDDEN"]);
    expect(await repatriation.auditEntries(response.requestId)).toEqual([
      expect.objectContaining({ kind: "WRITE", action: "changeRepatriationStatus", outcome: "DENIED" }),
    ]);
  });

  it("REQUESTED → ARRIVED skips the journey: INVALID_TRANSITION, whoever asks", async () => {
    expect(errorCodes(await change(PERSONAS.repatriation, "ARRIVED"))).toEqual(["INVALID_TRANSITION"]);
    expect(errorCodes(await change(PERSONAS.government, "ARRIVED"))).toEqual(["INVALID_TRANSITION"]);
  });

  it("a case another NGO may not see is NOT_FOUND, not FORBIDDEN", async () => {
    expect(errorCodes(await change(PERSONAS.otherNgo, "CANCELLED"))).toEqual(["NOT_FOUND"]);
  });

  it("the agency moves it to DOCUMENTS_PENDING: the history grows by that step, audited as a WRITE naming the person", async () => {
    const response = await change(PERSONAS.repatriation, "DOCUMENTS_PENDING");
    expect(response.errors).toBeUndefined();
    expect(response.data!.changeRepatriationStatus.status).toBe("DOCUMENTS_PENDING");
    expect(response.data!.changeRepatriationStatus.history.at(-1)).toEqual({
      fromStatus: "REQUESTED",
      toStatus: "DOCUMENTS_PENDING",
      byOrg: PERSONAS.repatriation.org,
      byRole: "repatriation",
    });
    expect(await repatriation.auditEntries(response.requestId)).toContainEqual(
      expect.objectContaining({
        kind: "WRITE",
        action: "changeRepatriationStatus",
        outcome: "ALLOWED",
        actorOrg: PERSONAS.repatriation.org,
        victimIds: [person.id],
      }),
    );
  });

  it("the case owner cancels it; CANCELLED is final", async () => {
    const cancelled = await change(PERSONAS.ngo, "CANCELLED");
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.changeRepatriationStatus.status).toBe("CANCELLED");
    const reopened = await change(PERSONAS.repatriation, "REQUESTED");
    expect(errorCodes(reopened)).toEqual(["INVALID_TRANSITION"]);
  });
});
