/**
 * Writing personal data back into an erased case (docs/data-lifecycle.md "Erasure"): once a
 * case is erased, nothing may put personal data about that person into any subgraph again.
 * An erasure request is idempotent — asking again answers the first request and erases
 * nothing — so a value written after the erasure could never be erased: the survivor was told
 * "erased" (Victim.erasure COMPLETE) while the hub holds their name, testimony or journey.
 * Each write below is one a partner with a valid token can send to a tombstone it still sees
 * (the owner sees its tombstone; the agency every repatriation case).
 */
import { randomUUID } from "node:crypto";
import {
  erasureProgress,
  markerValues,
  personEverywhere,
  REQUEST_ERASURE,
  until,
  type PersonEverywhere,
} from "../support/erasure";
import { asPersona, errorCodes, PERSONAS } from "../support/hub";

const owner = { role: "ngo", org: `ngo-erased-writes-${process.pid}` } as const;
const { government, repatriation } = PERSONAS;
let person: PersonEverywhere;
let version: number;

beforeAll(async () => {
  person = await personEverywhere(
    (persona, query, variables) => asPersona(persona, query, variables),
    { owner, government, embassy: PERSONAS.embassyPH, repatriation },
    markerValues(),
  );
  const erased = await asPersona(owner, REQUEST_ERASURE, { victimId: person.victimId, reason: "The survivor asked" });
  expect(erased.errors).toBeUndefined();
  await until(
    "erasure complete",
    () => erasureProgress(asPersona, government, person.victimId),
    (progress) => progress?.status === "COMPLETE",
  );
  const read = await asPersona<{ victim: { version: number } }>(
    owner,
    `query ($id: ID!) { victim(id: $id) { version } }`,
    {
      id: person.victimId,
    },
  );
  version = read.data!.victim.version;
}, 90_000);

/** What government reads of the person afterwards: every value a write could have put back. */
async function personalValues(): Promise<string> {
  const response = await asPersona(
    government,
    `query ($id: ID!) { victim(id: $id) { legalName testimony consents { kind granted } referrals { status purpose }
      repatriation { journeyLegs { fromPlace carrier } } } }`,
    { id: person.victimId },
  );
  return JSON.stringify(response.data);
}

describe("an erased case takes no new personal data", () => {
  it("the owner may not write a name or a testimony into its tombstone: CONFLICT", async () => {
    const marker = `Zqafter ${randomUUID().slice(0, 8)}`;
    const response = await asPersona(
      owner,
      `mutation ($id: ID!, $version: Int!, $changes: UpdateVictimInput!) { updateVictim(id: $id, version: $version, changes: $changes) { id } }`,
      { id: person.victimId, version, changes: { legalName: marker, testimony: marker } },
    );
    expect(errorCodes(response)).toEqual(["CONFLICT"]);
    expect(await personalValues()).not.toContain(marker);
  });

  it("the owner may not grant consular contact again (the embassy would see the person again): CONFLICT", async () => {
    const response = await asPersona(
      owner,
      `mutation ($victimId: ID!, $consent: ConsentInput!) { recordConsent(victimId: $victimId, consent: $consent) { granted } }`,
      { victimId: person.victimId, consent: { kind: "CONSULAR_CONTACT", granted: true } },
    );
    expect(errorCodes(response)).toEqual(["CONFLICT"]);
    const embassy = await asPersona(PERSONAS.embassyPH, `query ($id: ID!) { victim(id: $id) { id } }`, {
      id: person.victimId,
    });
    expect(embassy.data).toEqual({ victim: null });
  });

  it("the owner may not refer the tombstone to a partner with a new purpose: CONFLICT", async () => {
    const marker = `Zqpurpose-after ${randomUUID().slice(0, 8)}`;
    const response = await asPersona(
      owner,
      `mutation ($victimId: ID!, $referral: ReferralInput!) { referCase(victimId: $victimId, referral: $referral) { id } }`,
      { victimId: person.victimId, referral: { toOrg: "ngo-erased-writes-partner", toRole: "NGO", purpose: marker } },
    );
    expect(errorCodes(response)).toEqual(["CONFLICT"]);
    expect(await personalValues()).not.toContain(marker);
  });

  // Refused as for any person the agency no longer sees, not as "erased" (test/attacks/erasure-seen-by-agency.test.ts).
  it("the agency may not add a journey leg (places, carrier) to the erased person's case: CONSENT_REQUIRED", async () => {
    const marker = `Zqleg-after ${randomUUID().slice(0, 8)}`;
    const response = await asPersona(
      repatriation,
      `mutation ($caseId: ID!, $leg: JourneyLegInput!) { addJourneyLeg(caseId: $caseId, leg: $leg) { id } }`,
      {
        caseId: person.repatriationCaseId,
        leg: { mode: "FLIGHT", fromPlace: marker, toPlace: marker, carrier: marker, departsAt: "2026-12-24T08:00:00Z" },
      },
    );
    expect(errorCodes(response)).toEqual(["CONSENT_REQUIRED"]);
    expect(await personalValues()).not.toContain(marker);
  });

  it("the owner may not move the erased person to another shelter (a new stay, timed to the second): CONFLICT", async () => {
    const response = await asPersona(
      owner,
      `mutation ($victimId: ID!, $to: ID!) { transferVictim(victimId: $victimId, toShelterId: $to) { id } }`,
      { victimId: person.victimId, to: "shelter-maesot-1" },
    );
    expect(errorCodes(response)).toEqual(["CONFLICT"]);
    const stay = await asPersona<{ victim: { currentPlacement: { shelter: { id: string } } | null } }>(
      government,
      `query ($id: ID!) { victim(id: $id) { currentPlacement { shelter { id } } } }`,
      { id: person.victimId },
    );
    expect(stay.data!.victim.currentPlacement?.shelter.id).toBe(person.shelterId);
  });
});
