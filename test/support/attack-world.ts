/**
 * Records that some personas may not see, made fresh by each test file that asks (the
 * hub is shared by parallel files). All belong to cases of an NGO of their own
 * (`ATTACK_OWNER`, so no demo NGO's case count changes), nationals of PH:
 * - `hiddenVictim`: no consent, no referral — only government and its owner see it;
 * - `victim`: referred to shelter-maesot-1 (which therefore sees it) and to
 *   shelter-maesot-2; verified and documented by the PH embassy, with a repatriation
 *   case — then consular-contact and repatriation consent withdrawn, so the PH embassy
 *   no longer sees the person, nor anything about them.
 */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { consent, DECIDE_VERIFICATION, issueTravelDocument, refer, register, REQUEST_VERIFICATION } from "./cases";
import { asPersona, PERSONAS } from "./hub";

type PersonaName = keyof typeof PERSONAS;

export interface HiddenWorld {
  owner: DevTokenRequest;
  hiddenVictim: string;
  victim: string;
  verification: string;
  document: string;
  repatriationCase: string;
  /** Addressed to shelter-maesot-1 (PERSONAS.shelter). */
  referralToShelter: string;
  /** Addressed to shelter-maesot-2: hidden from shelter-maesot-1 although it sees the case. */
  referralToOtherShelter: string;
  /** A record of `type` that `persona` may not see, if there is one. */
  hiddenFrom(type: string, persona: PersonaName): string | undefined;
}

/** The NGO that owns every case here: none of the personas, so each persona is an outsider. */
export const ATTACK_OWNER: DevTokenRequest = { role: "ngo", org: "ngo-attack-fixtures" };

export const REQUEST_REPATRIATION = `mutation ($victimId: ID!, $request: RepatriationRequestInput!) { requestRepatriation(victimId: $victimId, request: $request) { id } }`;

export async function hiddenWorld(): Promise<HiddenWorld> {
  const owner = ATTACK_OWNER;
  const hiddenVictim = (await register(owner, { nationality: "PH" })).id;
  const victim = (await register(owner, { nationality: "PH", requiresMedicalEscort: true })).id;
  for (const kind of ["CONSULAR_CONTACT", "REPATRIATION", "SHELTER_SHARING"]) await consent(owner, victim, kind, true);
  const toShelter = await refer(owner, victim, {
    toOrg: "shelter-maesot-1",
    toRole: "SHELTER",
    purpose: "A bed (fictional)",
  });
  const toOtherShelter = await refer(owner, victim, {
    toOrg: "shelter-maesot-2",
    toRole: "SHELTER",
    purpose: "Counselling (fictional)",
  });
  expect([toShelter.errors, toOtherShelter.errors]).toEqual([undefined, undefined]);

  const requested = await asPersona<{ requestNationalityVerification: { id: string } }>(owner, REQUEST_VERIFICATION, {
    victimId: victim,
  });
  expect(requested.errors).toBeUndefined();
  const verification = requested.data!.requestNationalityVerification.id;
  const decided = await asPersona(PERSONAS.embassyPH, DECIDE_VERIFICATION, {
    id: verification,
    decision: { decision: "CONFIRMED" },
  });
  expect(decided.errors).toBeUndefined();
  const document = await issueTravelDocument(PERSONAS.embassyPH, victim);
  const repatriation = await asPersona<{ requestRepatriation: { id: string } }>(owner, REQUEST_REPATRIATION, {
    victimId: victim,
    request: { receivingOrganisation: "Reception centre, Manila (fictional)" },
  });
  expect(repatriation.errors).toBeUndefined();

  await consent(owner, victim, "CONSULAR_CONTACT", false);
  await consent(owner, victim, "REPATRIATION", false);

  const world = {
    owner,
    hiddenVictim,
    victim,
    verification,
    document,
    repatriationCase: repatriation.data!.requestRepatriation.id,
    referralToShelter: toShelter.data!.referCase.id,
    referralToOtherShelter: toOtherShelter.data!.referCase.id,
  };
  // Who sees everything here: government (the owner is no persona; the agency sees every repatriation case).
  const seesAll = (persona: PersonaName) => persona === "government";
  const hidden: Record<string, (persona: PersonaName) => string | undefined> = {
    Victim: (persona) => (seesAll(persona) ? undefined : world.hiddenVictim),
    NationalityVerification: (persona) => (seesAll(persona) ? undefined : world.verification),
    TravelDocument: (persona) => (seesAll(persona) ? undefined : world.document),
    RepatriationCase: (persona) =>
      seesAll(persona) || persona === "repatriation" ? undefined : world.repatriationCase,
    Referral: (persona) => (seesAll(persona) ? undefined : world.referralToOtherShelter),
  };
  return { ...world, hiddenFrom: (type, persona) => hidden[type]?.(persona) };
}
