/**
 * The repatriation agency must not tell an erasure from an ordinary end of sharing. It sees
 * every repatriation case (it plans them all), and erasure withdraws the person's consents:
 * the agency then stops seeing the person (`victim: null`) as it does when the person only
 * withdrew repatriation consent. But the case's own details told them apart — an erased
 * case's escort flag, escort needs, receiving organisation and journey legs were gone while a
 * withdrawn one kept them, and adding a leg answered "erased" (CONFLICT) on the one and
 * succeeded on the other — so the agency could learn who asked to be forgotten. The person's
 * part of a case is now shown to the agency only while it may see the person
 * (WHILE_PERSON_SHARED, subgraphs/repatriation/conditions.ts), and a leg is planned only then.
 */
import { consent, register } from "../support/cases";
import { REQUEST_REPATRIATION } from "../support/attack-world";
import { erasureProgress, REQUEST_ERASURE, until } from "../support/erasure";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { asPersona, errorCodes, PERSONAS } from "../support/hub";

const owner = { role: "ngo", org: `ngo-agency-seen-${process.pid}` } as const;
const agency = PERSONAS.repatriation;

const ADD_LEG = `mutation ($caseId: ID!, $leg: JourneyLegInput!) { addJourneyLeg(caseId: $caseId, leg: $leg) { id } }`;
const LEG = { mode: "BUS", fromPlace: "Mae Sot", toPlace: "Bangkok", departsAt: "2027-01-20T06:00:00Z" };
const SEEN = `query ($after: String) { repatriationCases(first: 100, after: $after, filter: { destinationCountry: "PH" }) { pageInfo { hasNextPage endCursor } edges { node { id status escortRequired escortNeeds receivingOrganisation receivingOrgId journeyLegs { mode fromPlace toPlace } victim { id } } } } }`;
type Page = {
  repatriationCases: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: Seen }> };
};

type Seen = { id: string } & Record<string, unknown>;

/** A PH national with a medical escort need, consenting to repatriation, whose case has escort needs and one leg. */
async function caseWithJourney(): Promise<{ victimId: string; caseId: string }> {
  const { id: victimId } = await register(owner, { nationality: "PH", requiresMedicalEscort: true });
  await consent(owner, victimId, "REPATRIATION", true);
  const opened = await asPersona<{ requestRepatriation: { id: string } }>(owner, REQUEST_REPATRIATION, {
    victimId,
    request: {
      receivingOrganisation: "Reception centre, Manila (fictional)",
      receivingOrgId: owner.org,
      escortNeeds: "Nurse on the flight",
    },
  });
  expect(opened.errors).toBeUndefined();
  const caseId = opened.data!.requestRepatriation.id;
  expect((await asPersona(agency, ADD_LEG, { caseId, leg: LEG })).errors).toBeUndefined();
  return { victimId, caseId };
}

/** What `persona` reads of one case in its list of PH cases (every page), without its id. */
async function asSeenBy(persona: DevTokenRequest, caseId: string): Promise<Record<string, unknown>> {
  let after: string | null = null;
  for (;;) {
    const answer: { errors?: unknown; data?: Page | null } = await asPersona<Page>(persona, SEEN, { after });
    expect(answer.errors).toBeUndefined();
    const { edges, pageInfo } = answer.data!.repatriationCases;
    const found = edges.find((edge) => edge.node.id === caseId);
    if (found) {
      const { id: _id, ...seen } = found.node;
      return seen;
    }
    if (!pageInfo.hasNextPage) throw new Error(`case ${caseId} not in the list`);
    after = pageInfo.endCursor;
  }
}

const asSeenByAgency = (caseId: string) => asSeenBy(agency, caseId);

/** What the agency is answered when it plans one more leg. */
async function addingALeg(caseId: string): Promise<unknown> {
  const answer = await asPersona(agency, ADD_LEG, { caseId, leg: { ...LEG, fromPlace: "Bangkok", toPlace: "Manila" } });
  return { codes: errorCodes(answer), messages: (answer.errors ?? []).map((error) => error.message) };
}

test("the agency sees a case whose person was erased exactly as one whose person withdrew repatriation consent", async () => {
  const shared = await caseWithJourney();
  const withdrawn = await caseWithJourney();
  const erased = await caseWithJourney();

  // While the person shares their case the agency sees its details (the control: the attack needs them).
  expect(await asSeenByAgency(shared.caseId)).toMatchObject({
    escortRequired: true,
    escortNeeds: "Nurse on the flight",
    receivingOrganisation: "Reception centre, Manila (fictional)",
    journeyLegs: [{ mode: "BUS", fromPlace: "Mae Sot", toPlace: "Bangkok" }],
    victim: { id: shared.victimId },
  });

  await consent(owner, withdrawn.victimId, "REPATRIATION", false);
  expect(
    (await asPersona(owner, REQUEST_ERASURE, { victimId: erased.victimId, reason: "The survivor asked" })).errors,
  ).toBeUndefined();
  await until(
    "erasure complete",
    () => erasureProgress(asPersona, PERSONAS.government, erased.victimId),
    (progress) => progress?.status === "COMPLETE",
  );

  const erasedSeen = await asSeenByAgency(erased.caseId);
  expect(erasedSeen).toEqual(await asSeenByAgency(withdrawn.caseId));
  expect(erasedSeen).toMatchObject({ escortRequired: null, escortNeeds: null, journeyLegs: [], victim: null });
  // Planning one more leg: the same refusal for both, nothing about an erasure.
  const erasedAnswer = await addingALeg(erased.caseId);
  expect(erasedAnswer).toEqual(await addingALeg(withdrawn.caseId));
  expect(erasedAnswer).toEqual({
    codes: ["CONSENT_REQUIRED"],
    messages: ["The person does not share their case with you: no leg can be planned"],
  });
  // Government and the owner still see the withdrawn person's case whole.
  expect(await asSeenBy(owner, withdrawn.caseId)).toMatchObject({
    escortNeeds: "Nurse on the flight",
    journeyLegs: [{ mode: "BUS" }],
  });
}, 90_000);
