/**
 * Minimal exposure: a consent shows who recorded it as organisation and role; the user id
 * of the person who did is their own organisation's matter.
 */
import { consent, refer, register } from "../support/cases";
import { asPersona, errorCodes, PERSONAS, tokenFor } from "../support/hub";

type ConsentView = { kind: string; recordedBy: string | null; recordedByOrg: string; recordedByRole: string | null };
const CONSENTS = `query ($id: ID!) { victim(id: $id) { consents { kind recordedBy recordedByOrg recordedByRole } } }`;

describe("Consent.recordedBy", () => {
  // Organisations of this file only: the shared hub's demo organisations keep their referrals as the demo made them.
  const caseWorker = { role: "ngo", org: "ngo-13c-recorder", sub: "recorder-caseworker-13c" } as const;
  const partner = { role: "ngo", org: "ngo-13c-partner" } as const;
  let id = "";

  beforeAll(async () => {
    id = (await register(caseWorker)).id;
    await consent(caseWorker, id, "REPATRIATION", true);
    const referred = await refer(caseWorker, id, { toOrg: partner.org, toRole: "NGO", purpose: "legal aid" });
    expect(referred.errors).toBeUndefined();
    expect(tokenFor(caseWorker)).toBeTruthy();
  });

  it("shows another organisation's recorder by organisation and role, never by user id", async () => {
    for (const persona of [PERSONAS.government, partner]) {
      const response = await asPersona<{ victim: { consents: ConsentView[] } }>(persona, CONSENTS, { id });
      expect(response.errors).toBeUndefined();
      expect(response.data!.victim.consents).toEqual([
        { kind: "REPATRIATION", recordedBy: null, recordedByOrg: caseWorker.org, recordedByRole: "ngo" },
      ]);
      expect(JSON.stringify(response)).not.toContain(caseWorker.sub);
    }
  });

  it("shows the user id to the recorder's own organisation", async () => {
    const colleague = { role: "ngo", org: caseWorker.org, sub: "recorder-colleague-13c" } as const;
    const response = await asPersona<{ victim: { consents: ConsentView[] } }>(colleague, CONSENTS, { id });
    expect(response.data!.victim.consents).toEqual([
      { kind: "REPATRIATION", recordedBy: caseWorker.sub, recordedByOrg: caseWorker.org, recordedByRole: "ngo" },
    ]);
  });

  it("recordedByRole is not for roles that may not read consents", async () => {
    for (const persona of [PERSONAS.embassyPH, PERSONAS.shelter, PERSONAS.repatriation]) {
      const response = await asPersona(persona, CONSENTS, { id });
      expect(errorCodes(response)).toContain("UNAUTHORIZED_FIELD_OR_TYPE");
      expect(JSON.stringify(response.data ?? {})).not.toContain('recordedByRole":"');
    }
  });
});
