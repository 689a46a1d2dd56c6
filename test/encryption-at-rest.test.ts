/**
 * Encryption at rest through the gateway (docs/encryption.md; the raw tables are read in
 * test/in-process/encryption-at-rest.test.ts): the four encrypted fields round-trip for the
 * personas that may read them, and a persona that may not still gets the field refused by
 * the gateway, exactly as before (UNAUTHORIZED_FIELD_OR_TYPE, null, the rest answered).
 * Uses its own NGO and Kenyan cases, which no other test reads.
 */
import { randomBytes } from "node:crypto";
import { confirmNationality, consent, ISSUE_DOCUMENT, refer, register, travelDocumentInput } from "./support/cases";
import { asPersona, errorCodes, PERSONAS } from "./support/hub";

const ngo = { role: "ngo", org: "ngo-encryption" } as const;
const embassyKE = { role: "embassy", org: "embassy-KE", country: "KE" } as const;
const shelter = PERSONAS.shelter;
const unique = () => randomBytes(5).toString("hex").toUpperCase();

const VICTIM = `query ($id: ID!) { victim(id: $id) { id testimony identityDocumentNumber familyContact } }`;
const DOCUMENTS = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { travelDocuments { number } } } }`;

describe("encrypted fields through the gateway", () => {
  const values = {
    testimony: `Recruited by a fake agency; account ${unique()} (fictional).`,
    identityDocumentNumber: `KE${unique()}`,
    familyContact: `Sister, +254 700 ${unique()} (fictional)`,
  };
  let victimId = "";
  let number = "";

  beforeAll(async () => {
    const victim = await register(ngo, { nationality: "KE", ...values });
    victimId = victim.id;
    await consent(ngo, victimId, "CONSULAR_CONTACT", true);
    await confirmNationality(ngo, embassyKE, victimId);
    const input = travelDocumentInput("KE");
    number = input.number as string;
    const issued = await asPersona(embassyKE, ISSUE_DOCUMENT, { victimId, document: input });
    expect(issued.errors).toBeUndefined();
    // The shelter sees the case (referred), so what it is refused below is the fields alone.
    await consent(ngo, victimId, "SHELTER_SHARING", true);
    const referred = await refer(ngo, victimId, { toOrg: shelter.org, toRole: "SHELTER", purpose: "placement" });
    expect(referred.errors).toBeUndefined();
  });

  it("come back as written for the case owner and government", async () => {
    for (const persona of [ngo, PERSONAS.government]) {
      const response = await asPersona<{ victim: Record<string, unknown> }>(persona, VICTIM, { id: victimId });
      expect(response.errors).toBeUndefined();
      expect(response.data!.victim).toEqual({ id: victimId, ...values });
    }
  });

  it("the travel document number comes back to the issuing embassy and government", async () => {
    const response = await asPersona<{
      nationals: { edges: Array<{ node: { id: string; travelDocuments: Array<{ number: string }> } }> };
    }>(embassyKE, `query { nationals(first: 100) { edges { node { id travelDocuments { number } } } } }`);
    expect(response.errors).toBeUndefined();
    const mine = response.data!.nationals.edges.find((edge) => edge.node.id === victimId);
    expect(mine?.node.travelDocuments).toEqual([{ number }]);
    const profile = await asPersona<{ victim: { travelDocuments: Array<{ number: string }> } }>(
      PERSONAS.government,
      `query ($id: ID!) { victim(id: $id) { travelDocuments { number } } }`,
      { id: victimId },
    );
    expect(profile.errors).toBeUndefined();
    expect(profile.data!.victim.travelDocuments).toEqual([{ number }]);
  });

  it("a persona that may not read them still gets UNAUTHORIZED_FIELD_OR_TYPE, and no value", async () => {
    // The embassy may read the identity document and family contact of its consenting national, never the testimony.
    const embassy = await asPersona<{ victim: Record<string, unknown> | null }>(embassyKE, VICTIM, { id: victimId });
    expect(errorCodes(embassy)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    expect(embassy.errors![0].path).toEqual(["victim", "testimony"]);
    expect(embassy.data!.victim).toEqual({
      id: victimId,
      testimony: null,
      identityDocumentNumber: values.identityDocumentNumber,
      familyContact: values.familyContact,
    });
    // Shelter staff, to whom the case is referred, may read none of the four (travel document numbers included).
    const refused = await asPersona(
      shelter,
      `query ($id: ID!) { victim(id: $id) { id testimony identityDocumentNumber familyContact travelDocuments { number } } }`,
      { id: victimId },
    );
    expect(errorCodes(refused).sort()).toEqual(Array(4).fill("UNAUTHORIZED_FIELD_OR_TYPE"));
    const text = JSON.stringify(refused);
    for (const value of [...Object.values(values), number]) expect(text).not.toContain(value);
    // Another NGO: not its case.
    const other = await asPersona(PERSONAS.otherNgo, DOCUMENTS, { r: [{ __typename: "Victim", id: victimId }] });
    expect(JSON.stringify(other)).not.toContain(number);
  });
});
