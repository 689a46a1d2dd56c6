/** Case set-up steps the workflow tests share: register, consent, refer, look. */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { asPersona, errorCodes } from "./hub";

export const REGISTER = `mutation ($victim: RegisterVictimInput!) { registerVictim(victim: $victim) { id caseNumber nationality nrmStatus version } }`;
export const REGISTER_MANY = `mutation ($victims: [RegisterVictimInput!]!) { registerVictims(victims: $victims) { id caseNumber } }`;
export const CONSENT = `mutation ($victimId: ID!, $consent: ConsentInput!) { recordConsent(victimId: $victimId, consent: $consent) { kind granted recordedByOrg } }`;
export const REFER = `mutation ($victimId: ID!, $referral: ReferralInput!) { referCase(victimId: $victimId, referral: $referral) { id status toOrg toRole } }`;

export type Registered = { id: string; caseNumber: string; nationality: string; nrmStatus: string; version: number };

/** A fictional person; every test run makes new ones. */
export function person(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nationality: "UG",
    gender: "FEMALE",
    ageBracket: "AGE_18_25",
    preferredName: "Test Person (fictional)",
    legalName: `Fictional Person ${Math.random()}`,
    ...overrides,
  };
}

export async function register(persona: DevTokenRequest, overrides: Record<string, unknown> = {}): Promise<Registered> {
  const response = await asPersona<{ registerVictim: Registered }>(persona, REGISTER, { victim: person(overrides) });
  expect(response.errors).toBeUndefined();
  return response.data!.registerVictim;
}

export async function registerMany(
  persona: DevTokenRequest,
  count: number,
  overrides: Record<string, unknown> = {},
): Promise<string[]> {
  const victims = Array.from({ length: count }, () => person(overrides));
  const response = await asPersona<{ registerVictims: Array<{ id: string }> }>(persona, REGISTER_MANY, { victims });
  expect(response.errors).toBeUndefined();
  return response.data!.registerVictims.map((victim) => victim.id);
}

export async function consent(
  persona: DevTokenRequest,
  victimId: string,
  kind: string,
  granted: boolean,
): Promise<void> {
  const response = await asPersona(persona, CONSENT, { victimId, consent: { kind, granted } });
  expect(response.errors).toBeUndefined();
}

export function refer(
  persona: DevTokenRequest,
  victimId: string,
  referral: { toOrg: string; toRole: string; purpose: string },
) {
  return asPersona<{ referCase: { id: string; status: string } }>(persona, REFER, { victimId, referral });
}

/** Whether the persona can read the case at all (NOT_FOUND otherwise, never another error). */
export async function seesCase(persona: DevTokenRequest, id: string): Promise<boolean> {
  const response = await asPersona<{ victim: { id: string } | null }>(
    persona,
    "query ($id: ID!) { victim(id: $id) { id } }",
    { id },
  );
  if (response.data?.victim) return true;
  expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
  return false;
}

export const REQUEST_VERIFICATION = `mutation ($victimId: ID!) { requestNationalityVerification(victimId: $victimId) { id country status decidedAt reason } }`;
export const DECIDE_VERIFICATION = `mutation ($id: ID!, $decision: VerificationDecisionInput!) { decideNationalityVerification(id: $id, decision: $decision) { id status decidedAt reason } }`;
export const ISSUE_DOCUMENT = `mutation ($victimId: ID!, $document: TravelDocumentInput!) { issueTravelDocument(victimId: $victimId, document: $document) { id issuingCountry kind number issuedOn expiresOn status } }`;

let documentSerial = 0;
/** A travel document input with a number no other test run uses. */
export function travelDocumentInput(country: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: "EMERGENCY_TRAVEL_CERTIFICATE",
    number: `${country}-ETC-${process.pid}-${Date.now() % 1_000_000}-${(documentSerial += 1)}`,
    issuedOn: "2026-11-20",
    expiresOn: "2099-02-20",
    ...overrides,
  };
}

/** The case owner asks, the embassy confirms: the person is a confirmed national (consular consent needed first). */
export async function confirmNationality(
  owner: DevTokenRequest,
  embassy: DevTokenRequest,
  victimId: string,
): Promise<void> {
  const request = await asPersona<{ requestNationalityVerification: { id: string } }>(owner, REQUEST_VERIFICATION, {
    victimId,
  });
  expect(request.errors).toBeUndefined();
  const decided = await asPersona(embassy, DECIDE_VERIFICATION, {
    id: request.data!.requestNationalityVerification.id,
    decision: { decision: "CONFIRMED" },
  });
  expect(decided.errors).toBeUndefined();
}

export async function issueTravelDocument(embassy: DevTokenRequest, victimId: string): Promise<string> {
  const issued = await asPersona<{ issueTravelDocument: { id: string } }>(embassy, ISSUE_DOCUMENT, {
    victimId,
    document: travelDocumentInput(embassy.country!),
  });
  expect(issued.errors).toBeUndefined();
  return issued.data!.issueTravelDocument.id;
}
