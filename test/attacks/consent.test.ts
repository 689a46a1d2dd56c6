/**
 * Consent names its purpose and country. A case owner who changes a person's nationality
 * must not thereby hand the survivor to another embassy: consular-contact consent was given
 * for one country, and the change withdraws it.
 */
import { consent, CONSENT, register, REQUEST_VERIFICATION } from "../support/cases";
import { asPersona, asPersonaAt, errorCodes, PERSONAS } from "../support/hub";

/** A case owner of its own: the demo NGOs' case counts stay as the record-rule tests expect. */
const OWNER = { role: "ngo", org: "ngo-attack-consent" } as const;

const UPDATE = `mutation ($id: ID!, $version: Int!, $changes: UpdateVictimInput!) { updateVictim(id: $id, version: $version, changes: $changes) { version nationality } }`;
const CONSENTS = `query ($id: ID!) { victim(id: $id) { consents { kind granted country } } }`;
const SEE = `query ($id: ID!) { victim(id: $id) { id legalName } }`;

describe("changing the nationality withdraws consular-contact consent", () => {
  let id = "";

  beforeAll(async () => {
    const victim = await register(OWNER, { nationality: "PH" });
    id = victim.id;
    await consent(OWNER, id, "CONSULAR_CONTACT", true);
    expect((await asPersona(PERSONAS.embassyPH, SEE, { id })).data?.victim).toBeTruthy();
    const changed = await asPersona(OWNER, UPDATE, { id, version: victim.version, changes: { nationality: "KE" } });
    expect(changed.errors).toBeUndefined();
  });

  it("the new country's embassy does not see the person, through the gateway or at the subgraph", async () => {
    const viaGateway = await asPersona(PERSONAS.embassyKE, SEE, { id });
    expect(viaGateway.data?.victim ?? null).toBeNull();
    expect(errorCodes(viaGateway)).toEqual(["NOT_FOUND"]);
    const direct = await asPersonaAt("victims", PERSONAS.embassyKE, SEE, { id });
    expect(direct.data?.victim ?? null).toBeNull();
    const listed = await asPersona<{ nationals: { edges: Array<{ node: { id: string } }> } }>(
      PERSONAS.embassyKE,
      `{ nationals(first: 100) { edges { node { id } } } }`,
    );
    expect(listed.data!.nationals.edges.map((edge) => edge.node.id)).not.toContain(id);
    // Nor does the old one (the person is no longer its national).
    expect(errorCodes(await asPersona(PERSONAS.embassyPH, SEE, { id }))).toEqual(["NOT_FOUND"]);
  });

  it("the consent reads as withdrawn, for the country it was given for", async () => {
    const response = await asPersona<{
      victim: { consents: Array<{ kind: string; granted: boolean; country: string | null }> };
    }>(OWNER, CONSENTS, { id });
    expect(response.errors).toBeUndefined();
    expect(response.data!.victim.consents.find((entry) => entry.kind === "CONSULAR_CONTACT")).toEqual({
      kind: "CONSULAR_CONTACT",
      granted: false,
      country: "PH",
    });
  });

  it("other subgraphs are told the consent does not stand: no nationality verification without a new consent", async () => {
    const response = await asPersona(OWNER, REQUEST_VERIFICATION, { victimId: id });
    expect(errorCodes(response)).toEqual(["CONSENT_REQUIRED"]);
  });

  it("the withdrawal is in the audit trail", async () => {
    const trail = await asPersona<{
      auditTrail: { edges: Array<{ node: { action: string; kind: string; fields: string[] } }> };
    }>(
      OWNER,
      `query ($id: ID!) { auditTrail(first: 20, filter: { victimId: $id, operation: "recordConsent" }) { edges { node { action kind fields } } } }`,
      { id },
    );
    expect(trail.errors).toBeUndefined();
    expect(trail.data!.auditTrail.edges.map((edge) => edge.node)).toEqual(
      expect.arrayContaining([
        { action: "recordConsent", kind: "WRITE", fields: ["consent.granted", "consent.kind", "nationality"] },
      ]),
    );
  });

  it("a new consent is for the new country, and opens the case to that embassy only", async () => {
    const recorded = await asPersona<{ recordConsent: { kind: string; granted: boolean } }>(OWNER, CONSENT, {
      victimId: id,
      consent: { kind: "CONSULAR_CONTACT", granted: true },
    });
    expect(recorded.errors).toBeUndefined();
    const consents = await asPersona<{
      victim: { consents: Array<{ kind: string; granted: boolean; country: string | null }> };
    }>(OWNER, CONSENTS, { id });
    expect(consents.data!.victim.consents.find((entry) => entry.kind === "CONSULAR_CONTACT")).toEqual({
      kind: "CONSULAR_CONTACT",
      granted: true,
      country: "KE",
    });
    expect((await asPersona(PERSONAS.embassyKE, SEE, { id })).data?.victim).toBeTruthy();
    expect(errorCodes(await asPersona(PERSONAS.embassyPH, SEE, { id }))).toEqual(["NOT_FOUND"]);
  });

  it("other consents carry no country, and an unchanged nationality withdraws nothing", async () => {
    await consent(OWNER, id, "REPATRIATION", true);
    const before = await asPersona<{ victim: { version: number } }>(
      OWNER,
      `query ($id: ID!) { victim(id: $id) { version } }`,
      { id },
    );
    const same = await asPersona(OWNER, UPDATE, {
      id,
      version: before.data!.victim.version,
      changes: { nationality: "KE", medicalNeeds: "none known" },
    });
    expect(same.errors).toBeUndefined();
    const consents = await asPersona<{
      victim: { consents: Array<{ kind: string; granted: boolean; country: string | null }> };
    }>(OWNER, CONSENTS, { id });
    expect(consents.data!.victim.consents.find((entry) => entry.kind === "REPATRIATION")).toEqual({
      kind: "REPATRIATION",
      granted: true,
      country: null,
    });
    expect(consents.data!.victim.consents.find((entry) => entry.kind === "CONSULAR_CONTACT")?.granted).toBe(true);
  });

  it("Consent.country is not for roles that may not read consents", async () => {
    for (const persona of [PERSONAS.embassyKE, PERSONAS.shelter, PERSONAS.repatriation]) {
      const response = await asPersona(persona, CONSENTS, { id });
      expect(errorCodes(response)).toContain("UNAUTHORIZED_FIELD_OR_TYPE");
      expect(JSON.stringify(response.data ?? {})).not.toContain('"country":"');
    }
  });
});
