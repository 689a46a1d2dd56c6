/**
 * A legal hold must not show through retention. Only government and the case owner may know
 * of a hold (docs/data-lifecycle.md); but a hold keeps a person's records from the retention
 * run, so after a run the issuing embassy saw every expired document's number gone except the
 * held person's — "this survivor is a witness in proceedings", told to the embassy of the
 * country they fled. A record past its period now reads as the run leaves it to every caller
 * but government, held or not (platform/retention.ts `retentionWindow`; the embassies
 * subgraph's TravelDocument.number). The shared test hub runs no retention, so a document
 * past its period here is one the run has not erased — exactly what a hold leaves.
 */
import { confirmNationality, consent, ISSUE_DOCUMENT, register, travelDocumentInput } from "../support/cases";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { asPersona, PERSONAS } from "../support/hub";

const owner = { role: "ngo", org: `ngo-hold-retention-${process.pid}` } as const;
const embassy = PERSONAS.embassyPH;
const PLACE_HOLD = `mutation ($victimId: ID!, $reason: String!) { placeLegalHold(victimId: $victimId, reason: $reason) { id } }`;
const DOCUMENTS = `query ($id: ID!) { victim(id: $id) { travelDocuments { id number expiresOn } } }`;

type Documents = {
  victim: { travelDocuments: Array<{ id: string; number: string | null; expiresOn: string }> } | null;
};

async function issue(victimId: string, dates: { issuedOn: string; expiresOn: string }): Promise<string> {
  const document = travelDocumentInput("PH", dates);
  const issued = await asPersona<{ issueTravelDocument: { id: string } }>(embassy, ISSUE_DOCUMENT, {
    victimId,
    document,
  });
  expect(issued.errors).toBeUndefined();
  return issued.data!.issueTravelDocument.id;
}

async function numbersAsSeenBy(persona: DevTokenRequest, victimId: string): Promise<Record<string, string | null>> {
  const answer = await asPersona<Documents>(persona, DOCUMENTS, { id: victimId });
  expect(answer.errors).toBeUndefined();
  return Object.fromEntries(answer.data!.victim!.travelDocuments.map((document) => [document.id, document.number]));
}

test("a held person's travel document past its retention period reads to the embassy as an erased one does", async () => {
  const { id: victimId } = await register(owner, { nationality: "PH" });
  await consent(owner, victimId, "CONSULAR_CONTACT", true);
  await confirmNationality(owner, embassy, victimId);
  // Expired long before the 90 days after expiry that the expired_travel_document kind keeps a number.
  const expired = await issue(victimId, { issuedOn: "2024-01-10", expiresOn: "2024-07-10" });
  const current = await issue(victimId, { issuedOn: "2026-11-20", expiresOn: "2099-02-20" });
  expect(
    (await asPersona(PERSONAS.government, PLACE_HOLD, { victimId, reason: "Witness in proceedings (fictional)" }))
      .errors,
  ).toBeUndefined();

  const seen = await numbersAsSeenBy(embassy, victimId);
  // As a retention run leaves an unheld one: no number. The current document keeps its number.
  expect(seen[expired]).toBeNull();
  expect(seen[current]).toMatch(/^PH-ETC-/);
  // Government, who placed the hold, still reads what the hold keeps.
  const government = await numbersAsSeenBy(PERSONAS.government, victimId);
  expect(government[expired]).toMatch(/^PH-ETC-/);
}, 60_000);
