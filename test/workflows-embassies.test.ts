/**
 * Consular workflows through the gateway: the case owner asks the embassy of the
 * survivor's nationality to verify it (with consent), that embassy alone decides, and
 * only a confirmed national gets a travel document, which it can revoke. Uses its own
 * NGO and Nigerian and Malaysian cases, which no other test reads.
 */
import type { DevTokenRequest } from "../platform/auth/tokens";
import {
  confirmNationality,
  consent,
  DECIDE_VERIFICATION,
  ISSUE_DOCUMENT,
  register,
  REQUEST_VERIFICATION,
  travelDocumentInput,
} from "./support/cases";
import { asPersona, asPersonaAt, errorCodes, PERSONAS } from "./support/hub";

const ngo = { role: "ngo", org: "ngo-consular" } as const;
const otherNgo = { role: "ngo", org: "ngo-consular-other" } as const;
const embassyNG = { role: "embassy", org: "embassy-NG", country: "NG" } as const;
const embassyMY = { role: "embassy", org: "embassy-MY", country: "MY" } as const;
const government = PERSONAS.government;

const REQUEST = REQUEST_VERIFICATION;
const DECIDE = DECIDE_VERIFICATION;
const ISSUE = ISSUE_DOCUMENT;
const REVOKE = `mutation ($id: ID!) { revokeTravelDocument(id: $id) { id status } }`;

type Verification = { id: string; country: string; status: string; decidedAt: string | null; reason: string | null };
type Document = { id: string; issuingCountry: string; kind: string; number: string; status: string };

const documentInput = (overrides: Record<string, unknown> = {}) => travelDocumentInput("NG", overrides);

/** A Nigerian case of `ngo` with consular-contact consent. */
async function consentingNational(): Promise<string> {
  const victim = await register(ngo, { nationality: "NG" });
  await consent(ngo, victim.id, "CONSULAR_CONTACT", true);
  return victim.id;
}

async function requestVerification(persona: DevTokenRequest, victimId: string) {
  return asPersona<{ requestNationalityVerification: Verification }>(persona, REQUEST, { victimId });
}

async function confirmedNational(): Promise<string> {
  const victimId = await consentingNational();
  await confirmNationality(ngo, embassyNG, victimId);
  return victimId;
}

async function issue(persona: DevTokenRequest, victimId: string, overrides: Record<string, unknown> = {}) {
  return asPersona<{ issueTravelDocument: Document }>(persona, ISSUE, { victimId, document: documentInput(overrides) });
}

describe("requestNationalityVerification", () => {
  it("addresses the embassy of the survivor's nationality, and that embassy sees the request", async () => {
    const victimId = await consentingNational();
    const response = await requestVerification(ngo, victimId);
    expect(response.errors).toBeUndefined();
    expect(response.data!.requestNationalityVerification).toMatchObject({
      country: "NG",
      status: "REQUESTED",
      decidedAt: null,
    });
    const seen = await asPersona<{ victim: { nationalityVerification: { status: string } } }>(
      embassyNG,
      "query ($id: ID!) { victim(id: $id) { nationalityVerification { status } } }",
      { id: victimId },
    );
    expect(seen.data!.victim.nationalityVerification).toEqual({ status: "REQUESTED" });
  });

  it("needs consular-contact consent, and one open request at a time", async () => {
    const victim = await register(ngo, { nationality: "NG" });
    expect(errorCodes(await requestVerification(ngo, victim.id))).toEqual(["CONSENT_REQUIRED"]);
    await consent(ngo, victim.id, "CONSULAR_CONTACT", true);
    expect((await requestVerification(ngo, victim.id)).errors).toBeUndefined();
    expect(errorCodes(await requestVerification(ngo, victim.id))).toEqual(["CONFLICT"]);
  });

  it("is NOT_FOUND for a partner that cannot see the case and FORBIDDEN for one that sees but does not own it", async () => {
    const victimId = await consentingNational();
    expect(errorCodes(await requestVerification(otherNgo, victimId))).toEqual(["NOT_FOUND"]);
    const referral = await asPersona(
      ngo,
      `mutation ($id: ID!) { referCase(victimId: $id, referral: { toOrg: "${otherNgo.org}", toRole: NGO, purpose: "legal aid" }) { id } }`,
      { id: victimId },
    );
    expect(referral.errors).toBeUndefined();
    expect(errorCodes(await requestVerification(otherNgo, victimId))).toEqual(["FORBIDDEN"]);
  });

  it.each(["shelter", "embassyPH", "repatriation", "auditor"] as const)(
    "is refused to %s, at the gateway and at the subgraph",
    async (name) => {
      const victimId = await consentingNational();
      expect(errorCodes(await requestVerification(PERSONAS[name], victimId))).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      expect(errorCodes(await asPersonaAt("embassies", PERSONAS[name], REQUEST, { victimId }))).toEqual([
        "UNAUTHORIZED_FIELD_OR_TYPE",
      ]);
    },
  );

  it("government may ask too", async () => {
    const victimId = await consentingNational();
    expect((await requestVerification(government, victimId)).data!.requestNationalityVerification.status).toBe(
      "REQUESTED",
    );
  });
});

describe("decideNationalityVerification", () => {
  it("the addressed embassy confirms; a decided request cannot change (INVALID_TRANSITION)", async () => {
    const victimId = await consentingNational();
    const { id } = (await requestVerification(ngo, victimId)).data!.requestNationalityVerification;
    const confirmed = await asPersona<{ decideNationalityVerification: Verification }>(embassyNG, DECIDE, {
      id,
      decision: { decision: "CONFIRMED" },
    });
    expect(confirmed.data!.decideNationalityVerification).toMatchObject({
      status: "CONFIRMED",
      decidedAt: expect.any(String),
      reason: null,
    });
    const again = await asPersona(embassyNG, DECIDE, {
      id,
      decision: { decision: "REJECTED", reason: "changed our mind" },
    });
    expect(errorCodes(again)).toEqual(["INVALID_TRANSITION"]);
    expect(again.errors![0].extensions).toMatchObject({ currentState: "CONFIRMED", allowedTransitions: [] });
    expect(errorCodes(await requestVerification(ngo, victimId))).toEqual(["CONFLICT"]);
  });

  it("a rejection needs a reason (BAD_USER_INPUT naming the field); with one it is recorded", async () => {
    const victimId = await consentingNational();
    const { id } = (await requestVerification(ngo, victimId)).data!.requestNationalityVerification;
    const bare = await asPersona(embassyNG, DECIDE, { id, decision: { decision: "REJECTED" } });
    expect(errorCodes(bare)).toEqual(["BAD_USER_INPUT"]);
    expect(bare.errors![0].extensions!.rowErrors).toEqual([
      { field: "reason", reason: "reason is required when rejecting" },
    ]);
    const rejected = await asPersona<{ decideNationalityVerification: Verification }>(embassyNG, DECIDE, {
      id,
      decision: { decision: "REJECTED", reason: "No civil registry record" },
    });
    expect(rejected.data!.decideNationalityVerification).toMatchObject({
      status: "REJECTED",
      reason: "No civil registry record",
    });
  });

  it("another country's embassy gets NOT_FOUND, as does the right one once consent is withdrawn", async () => {
    const victimId = await consentingNational();
    const { id } = (await requestVerification(ngo, victimId)).data!.requestNationalityVerification;
    expect(errorCodes(await asPersona(embassyMY, DECIDE, { id, decision: { decision: "CONFIRMED" } }))).toEqual([
      "NOT_FOUND",
    ]);
    await consent(ngo, victimId, "CONSULAR_CONTACT", false);
    expect(errorCodes(await asPersona(embassyNG, DECIDE, { id, decision: { decision: "CONFIRMED" } }))).toEqual([
      "NOT_FOUND",
    ]);
  });

  it.each(["government", "ngo", "shelter", "repatriation", "auditor"] as const)("is refused to %s", async (name) => {
    const victimId = await consentingNational();
    const { id } = (await requestVerification(ngo, victimId)).data!.requestNationalityVerification;
    expect(errorCodes(await asPersona(PERSONAS[name], DECIDE, { id, decision: { decision: "CONFIRMED" } }))).toEqual([
      "UNAUTHORIZED_FIELD_OR_TYPE",
    ]);
  });
});

describe("issueTravelDocument and revokeTravelDocument", () => {
  it("issues a document to a confirmed national; the number reaches the issuer and government, not the case's NGO", async () => {
    const victimId = await confirmedNational();
    const input = documentInput();
    const issued = await asPersona<{ issueTravelDocument: Document }>(embassyNG, ISSUE, { victimId, document: input });
    expect(issued.errors).toBeUndefined();
    expect(issued.data!.issueTravelDocument).toMatchObject({
      issuingCountry: "NG",
      kind: "EMERGENCY_TRAVEL_CERTIFICATE",
      number: input.number,
      status: "VALID",
    });
    const read = (persona: DevTokenRequest) =>
      asPersona<{ victim: { travelDocuments: Array<{ status: string; number: string | null }> } }>(
        persona,
        "query ($id: ID!) { victim(id: $id) { travelDocuments { status number } } }",
        { id: victimId },
      );
    expect((await read(government)).data!.victim.travelDocuments).toEqual([{ status: "VALID", number: input.number }]);
    expect((await read(embassyNG)).data!.victim.travelDocuments).toEqual([{ status: "VALID", number: input.number }]);
    const asOwner = await read(ngo);
    expect(errorCodes(asOwner)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    expect(asOwner.data!.victim.travelDocuments).toEqual([{ status: "VALID", number: null }]);
  });

  it("refuses a person not confirmed as a national (CONFLICT), and another country's embassy (NOT_FOUND)", async () => {
    const unverified = await consentingNational();
    expect(errorCodes(await issue(embassyNG, unverified))).toEqual(["CONFLICT"]);
    const confirmed = await confirmedNational();
    expect(errorCodes(await issue(embassyMY, confirmed))).toEqual(["NOT_FOUND"]);
  });

  it("rejects bad input naming the field: dates, number, kind", async () => {
    const victimId = await confirmedNational();
    const backwards = await issue(embassyNG, victimId, { issuedOn: "2026-11-20", expiresOn: "2026-11-19" });
    expect(backwards.errors![0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      rowErrors: [{ field: "expiresOn", reason: "expiresOn must be after issuedOn" }],
    });
    const badDate = await issue(embassyNG, victimId, { issuedOn: "20/11/2026" });
    expect(badDate.errors![0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      rowErrors: [{ field: "issuedOn", reason: expect.stringMatching(/YYYY-MM-DD/) }],
    });
    const badNumber = await issue(embassyNG, victimId, { number: "<script>" });
    expect(badNumber.errors![0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      rowErrors: [{ field: "number", reason: expect.any(String) }],
    });
    expect(errorCodes(await issue(embassyNG, victimId, { kind: "VISA" }))).toEqual(["BAD_USER_INPUT"]);
  });

  it("refuses a number the country already used (CONFLICT)", async () => {
    const [first, second] = [await confirmedNational(), await confirmedNational()];
    const input = documentInput();
    expect((await asPersona(embassyNG, ISSUE, { victimId: first, document: input })).errors).toBeUndefined();
    expect(errorCodes(await asPersona(embassyNG, ISSUE, { victimId: second, document: input }))).toEqual(["CONFLICT"]);
  });

  it("the issuing embassy revokes; revoking again is INVALID_TRANSITION; others get NOT_FOUND", async () => {
    const victimId = await confirmedNational();
    const { id } = (await issue(embassyNG, victimId)).data!.issueTravelDocument;
    expect(errorCodes(await asPersona(embassyMY, REVOKE, { id }))).toEqual(["NOT_FOUND"]);
    expect((await asPersona(embassyNG, REVOKE, { id })).data).toEqual({
      revokeTravelDocument: { id, status: "REVOKED" },
    });
    expect(errorCodes(await asPersona(embassyNG, REVOKE, { id }))).toEqual(["INVALID_TRANSITION"]);
  });

  it.each(["government", "ngo", "shelter", "repatriation", "auditor"] as const)(
    "issuing and revoking are refused to %s",
    async (name) => {
      const victimId = await confirmedNational();
      expect(errorCodes(await issue(PERSONAS[name], victimId))).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      expect(
        errorCodes(await asPersona(PERSONAS[name], REVOKE, { id: "00000000-0000-4000-8000-000000000000" })),
      ).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    },
  );
});

describe("nationals(caseNumber:)", () => {
  const SEARCH = `query ($c: String) { nationals(first: 50, caseNumber: $c) { totalCount edges { node { id caseNumber } } } }`;
  type Found = { nationals: { totalCount: number; edges: Array<{ node: { id: string; caseNumber: string } }> } };
  const search = (persona: DevTokenRequest, c: string) => asPersona<Found>(persona, SEARCH, { c });

  it("finds the embassy's nationals whose case number starts with the text, in any letter case", async () => {
    const victim = await register(ngo, { nationality: "NG" });
    await consent(ngo, victim.id, "CONSULAR_CONTACT", true);
    for (const text of [victim.caseNumber, victim.caseNumber.toLowerCase()]) {
      const found = await search(embassyNG, text);
      expect(found.errors).toBeUndefined();
      expect(found.data!.nationals.edges.map((edge) => edge.node.id)).toContain(victim.id);
      expect(found.data!.nationals.edges.every((edge) => edge.node.caseNumber.startsWith(victim.caseNumber))).toBe(
        true,
      );
    }
  });

  it("finds nobody it would not list: another country's national, a person without consent", async () => {
    const malaysian = await register(ngo, { nationality: "MY" });
    await consent(ngo, malaysian.id, "CONSULAR_CONTACT", true);
    const silent = await register(ngo, { nationality: "NG" });
    expect((await search(embassyNG, malaysian.caseNumber)).data!.nationals.edges).toEqual([]);
    expect((await search(embassyNG, silent.caseNumber)).data!.nationals.edges).toEqual([]);
    // Control: the Malaysian embassy finds its national.
    expect((await search(embassyMY, malaysian.caseNumber)).data!.nationals.edges).toHaveLength(1);
  });

  it("takes LIKE's wildcards literally", async () => {
    for (const text of ["%", "_", "MS-%", "\\"]) {
      const found = await search(embassyNG, text);
      expect({ text, errors: found.errors, count: found.data?.nationals.totalCount }).toEqual({
        text,
        errors: undefined,
        count: 0,
      });
    }
  });
});
