/**
 * The survivor's copy (`exportSubjectData`, issue #20 item 4) through the gateway: one person
 * with records in all four subgraphs (consents, referrals, a placement, a verification, a travel
 * document, a repatriation case), and another person beside them in the same shelter and
 * embassy, whose records must never appear in the first one's copy.
 */
import { randomUUID } from "node:crypto";
import { asPersona, errorCodes, PERSONAS } from "./support/hub";
import { confirmNationality, consent, issueTravelDocument, refer, register } from "./support/cases";

const EXPORT = "query ($victimId: ID!) { exportSubjectData(victimId: $victimId) }";
// A shelter of this file's own: the demo shelters fill up as the shared hub's other tests place people.
const SHELTER = `shelter-export-${randomUUID().slice(0, 8)}`;
const OPEN_SHELTER = `mutation ($shelter: OpenShelterInput!) { openShelter(shelter: $shelter) { id } }`;
const PLACE = `mutation ($id: ID!) { placeVictim(victimId: $id, shelterId: "${SHELTER}") { id } }`;
const REPATRIATE =
  'mutation ($id: ID!) { requestRepatriation(victimId: $id, request: { receivingOrganisation: "Reception (fictional)" }) { id } }';

interface ExportedRecord {
  fields: Record<string, unknown>;
  withheld: string[];
}
interface HistoryEntry {
  subgraph: string;
  at: string;
  actorOrg: string;
  actorRole: string;
  actorSub?: string;
  kind: string;
  action: string;
  operation: string;
  outcome: string;
  fields: string[];
}
interface SubjectCopy {
  format: string;
  version: number;
  subjectId: string;
  records: Record<string, Record<string, ExportedRecord[]>>;
  withheldFields: Array<{ subgraph: string; field: string; records: number; readableBy: string }>;
  withheldNote: string | null;
  omittedFields: Array<{ subgraph: string; field: string; why: string }>;
  accessHistory: { entries: HistoryEntry[]; limit: number; complete: boolean };
}

const owner = { role: "ngo", org: `ngo-export-${randomUUID().slice(0, 8)}` } as const;
let victimId: string;
let otherId: string;
let documentNumber: string;

async function copyAs(persona: Parameters<typeof asPersona>[0], id = victimId) {
  return asPersona<{ exportSubjectData: SubjectCopy | null }>(persona, EXPORT, { victimId: id });
}

/** Each record's fields by subgraph and type, without those `withheldFrom` withheld. */
function fieldsOf(copy: SubjectCopy, withheldFrom: SubjectCopy) {
  return Object.fromEntries(
    Object.entries(copy.records).map(([subgraph, types]) => [
      subgraph,
      Object.fromEntries(
        Object.entries(types).map(([type, records]) => [
          type,
          records.map((record, index) => {
            const hidden = withheldFrom.records[subgraph][type][index].withheld;
            return Object.fromEntries(Object.entries(record.fields).filter(([field]) => !hidden.includes(field)));
          }),
        ]),
      ),
    ]),
  );
}

async function ok(response: Promise<unknown>) {
  expect(((await response) as { errors?: unknown }).errors).toBeUndefined();
}

/** A person with records in every subgraph, owned by `owner`. */
async function personEverywhere(): Promise<string> {
  const { id } = await register(owner, {
    nationality: "PH",
    testimony: "Testimony (fictional)",
    familyContact: "Family contact (fictional)",
    identityDocumentNumber: `ID-${randomUUID().slice(0, 8)}`,
    medicalNeeds: "Medical needs (fictional)",
  });
  for (const kind of ["CONSULAR_CONTACT", "REPATRIATION", "SHELTER_SHARING"]) await consent(owner, id, kind, true);
  await ok(refer(owner, id, { toOrg: SHELTER, toRole: "SHELTER", purpose: "Shelter (fictional)" }));
  await ok(refer(owner, id, { toOrg: "repatriation-agency", toRole: "REPATRIATION", purpose: "Return (fictional)" }));
  await ok(asPersona(owner, PLACE, { id }));
  await confirmNationality(owner, PERSONAS.embassyPH, id);
  await issueTravelDocument(PERSONAS.embassyPH, id);
  await ok(asPersona(owner, REPATRIATE, { id }));
  return id;
}

beforeAll(async () => {
  await ok(
    asPersona(PERSONAS.government, OPEN_SHELTER, {
      shelter: { id: SHELTER, name: "Export Test Shelter (fictional)", region: "Tak", town: "Test Town", capacity: 5 },
    }),
  );
  [victimId, otherId] = await Promise.all([personEverywhere(), personEverywhere()]);
  const documents = await asPersona<{ victim: { travelDocuments: Array<{ number: string }> } }>(
    PERSONAS.government,
    "query ($id: ID!) { victim(id: $id) { travelDocuments { number } } }",
    { id: victimId },
  );
  documentNumber = documents.data!.victim.travelDocuments[0].number;
  // A read by another organisation, earlier: the copy's history must list it.
  await ok(
    asPersona(PERSONAS.embassyPH, "query SeenByEmbassy($id: ID!) { victim(id: $id) { legalName } }", {
      id: victimId,
    }),
  );
}, 120_000);

describe("exportSubjectData: the survivor's copy", () => {
  it("government gets everything from all four subgraphs, versioned, and nothing of another person", async () => {
    const response = await copyAs(PERSONAS.government);
    expect(response.errors).toBeUndefined();
    const copy = response.data!.exportSubjectData!;
    expect(copy).toMatchObject({ format: "survivor-hub/subject-export", version: 1, subjectId: victimId });
    const { victims, shelters, embassies, repatriation } = copy.records;
    expect(victims.Victim).toHaveLength(1);
    expect(victims.Victim[0].fields).toMatchObject({
      id: victimId,
      testimony: "Testimony (fictional)",
      familyContact: "Family contact (fictional)",
      ownerOrg: owner.org,
    });
    expect(victims.Victim[0].fields.identityDocumentNumber).toMatch(/^ID-/);
    expect(victims.Consent.map((record) => record.fields.kind).sort()).toEqual([
      "CONSULAR_CONTACT",
      "REPATRIATION",
      "SHELTER_SHARING",
    ]);
    expect(victims.Referral.map((record) => record.fields.toOrg).sort()).toEqual(["repatriation-agency", SHELTER]);
    expect(shelters.Placement).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ victimId, shelterId: SHELTER }) }),
    ]);
    expect(embassies.NationalityVerification).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ victimId, country: "PH", status: "CONFIRMED" }) }),
    ]);
    expect(embassies.TravelDocument).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ victimId, number: documentNumber }) }),
    ]);
    expect(repatriation.RepatriationCase).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ victimId, status: "REQUESTED" }) }),
    ]);
    expect(repatriation.RepatriationTransition.length).toBeGreaterThanOrEqual(1);
    expect(repatriation.RepatriationTransition[0].fields.bySub).toEqual(expect.any(String));
    // Government reads every field but who at another organisation recorded a consent (that organisation's matter).
    expect(copy.withheldFields).toEqual([
      expect.objectContaining({ subgraph: "victims", field: "Consent.recordedBy", records: 3 }),
    ]);
    expect(victims.Consent[0].withheld).toEqual(["recordedBy"]);
    // Other people's case ids are never in a copy.
    expect(copy.omittedFields.map(({ subgraph, field }) => `${subgraph}:${field}`).sort()).toEqual([
      "embassies:TravelDocument.numberHash",
      "victims:ErasureRequest.requestId",
      "victims:Victim.identityDocumentHash",
      "victims:Victim.possibleDuplicateOf",
    ]);
    expect(JSON.stringify(copy)).not.toContain(otherId);
  });

  it("the owning NGO gets the same minus the fields its role may not read, each listed with who can give it", async () => {
    const [government, ngo] = await Promise.all([copyAs(PERSONAS.government), copyAs(owner)]);
    expect(ngo.errors).toBeUndefined();
    const full = government.data!.exportSubjectData!;
    const copy = ngo.data!.exportSubjectData!;
    const document = copy.records.embassies.TravelDocument[0];
    expect(document.withheld).toEqual(["number"]);
    expect(document.fields).not.toHaveProperty("number");
    expect(JSON.stringify(copy)).not.toContain(documentNumber);
    // The case owner reads its own case's testimony.
    expect(copy.records.victims.Victim[0].fields.testimony).toBe("Testimony (fictional)");
    expect(copy.withheldFields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subgraph: "embassies",
          field: "TravelDocument.number",
          records: 1,
          readableBy: expect.stringContaining("government"),
        }),
        expect.objectContaining({ field: "Victim.nrmDecidedBy" }),
        expect.objectContaining({ field: "RepatriationTransition.bySub" }),
      ]),
    );
    expect(copy.withheldNote).toMatch(/Government .* can give a copy with them/);
    // Every other value is exactly government's: withheld fields are taken out, nothing else.
    expect(fieldsOf(copy, full)).toEqual(fieldsOf(full, copy));
  });

  it("another NGO, a shelter, an embassy, repatriation and the auditor get the policy's refusals", async () => {
    const codes = async (persona: Parameters<typeof asPersona>[0], id = victimId) => {
      const response = await copyAs(persona, id);
      return { data: response.data?.exportSubjectData ?? null, codes: errorCodes(response) };
    };
    // A case the other NGO may not see: exactly a missing one.
    expect(await codes(PERSONAS.otherNgo)).toEqual({ data: null, codes: ["NOT_FOUND"] });
    expect(await codes(PERSONAS.otherNgo, randomUUID())).toEqual({ data: null, codes: ["NOT_FOUND"] });
    expect(await codes(PERSONAS.government, randomUUID())).toEqual({ data: null, codes: ["NOT_FOUND"] });
    // The shelter and the agency the case is referred to, the embassy that may see the person, the auditor: not theirs.
    for (const persona of [PERSONAS.shelter, PERSONAS.embassyPH, PERSONAS.repatriation, PERSONAS.auditor])
      expect({ persona: persona.org, ...(await codes(persona)) }).toEqual({
        persona: persona.org,
        data: null,
        codes: ["UNAUTHORIZED_FIELD_OR_TYPE"],
      });
  });

  it("an NGO the case is referred to sees the case but may not have its copy: FORBIDDEN, the owner's condition", async () => {
    const { id } = await register(owner, { nationality: "PH" });
    // An NGO of this file's own: a case referred to a demo NGO would change what the record-rule tests count.
    const referred = { role: "ngo", org: `ngo-export-referred-${randomUUID().slice(0, 8)}` } as const;
    const referral = await refer(owner, id, { toOrg: referred.org, toRole: "NGO", purpose: "Legal aid" });
    expect(referral.errors).toBeUndefined();
    await ok(
      asPersona(referred, "mutation ($id: ID!) { respondToReferral(id: $id, accept: true) { status } }", {
        id: referral.data!.referCase.id,
      }),
    );
    const response = await copyAs(referred, id);
    expect(response.data?.exportSubjectData ?? null).toBeNull();
    expect(errorCodes(response)).toEqual(["FORBIDDEN"]);
  });

  it("lists who read the record when, from every subgraph's trail; actorSub only to government", async () => {
    const [government, ngo] = await Promise.all([copyAs(PERSONAS.government), copyAs(owner)]);
    const embassyRead = (copy: SubjectCopy) =>
      copy.accessHistory.entries.find(
        (entry) => entry.actorOrg === "embassy-PH" && entry.operation.startsWith("SeenByEmbassy"),
      );
    const seenByGovernment = embassyRead(government.data!.exportSubjectData!);
    expect(seenByGovernment).toMatchObject({
      subgraph: "victims",
      actorRole: "embassy",
      kind: "READ",
      outcome: "ALLOWED",
      fields: ["Victim.legalName"],
      actorSub: expect.any(String),
    });
    const seenByOwner = embassyRead(ngo.data!.exportSubjectData!);
    expect(seenByOwner).toMatchObject({ actorOrg: "embassy-PH", fields: ["Victim.legalName"] });
    expect(seenByOwner).not.toHaveProperty("actorSub");
    const history = government.data!.exportSubjectData!.accessHistory;
    expect(new Set(history.entries.map((entry) => entry.subgraph))).toEqual(
      new Set(["victims", "shelters", "embassies", "repatriation"]),
    );
    expect(history).toMatchObject({ limit: 500, complete: true });
  });

  it("the copy itself is in the audit trail of every subgraph whose records it holds", async () => {
    const made = await copyAs(PERSONAS.government);
    expect(made.errors).toBeUndefined();
    const trail = await asPersona<{
      auditTrail: { edges: Array<{ node: { subgraph: string; action: string; actorOrg: string; fields: string[] } }> };
    }>(
      PERSONAS.government,
      'query ($id: ID!) { auditTrail(filter: { victimId: $id, operation: "exportSubjectData" }, first: 50) { edges { node { subgraph action actorOrg fields } } } }',
      { id: victimId },
    );
    expect(trail.errors).toBeUndefined();
    const exports = trail.data!.auditTrail.edges.map((edge) => edge.node).filter((node) => node.actorOrg === "gov-mdt");
    expect(new Set(exports.map((node) => node.subgraph))).toEqual(
      new Set(["victims", "shelters", "embassies", "repatriation"]),
    );
    const documents = exports.find((node) => node.subgraph === "embassies")!;
    expect(documents.fields).toEqual(
      expect.arrayContaining(["TravelDocument.number", "NationalityVerification.status"]),
    );
  });
});
