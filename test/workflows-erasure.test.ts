/**
 * Erasure on request through the gateway (docs/data-lifecycle.md): the case owner erases a
 * person known to every subgraph; every subgraph confirms; what is left is the tombstone;
 * asking again is the same erasure; each subgraph's erasure is in the audit trail (ids and
 * field names, never values) and every chain still verifies; a government legal hold
 * blocks erasure until it is lifted.
 */
import { randomUUID } from "node:crypto";
import {
  erasureProgress,
  EVERYTHING_ABOUT,
  markerValues,
  personEverywhere,
  REQUEST_ERASURE,
  until,
  type Ask,
} from "./support/erasure";
import { asPersona, errorCodes, PERSONAS } from "./support/hub";
import { register } from "./support/cases";

const ask: Ask = (persona, query, variables) => asPersona(persona, query, variables);
const owner = { role: "ngo", org: `ngo-erasure-${process.pid}` } as const;
const { government, embassyPH: embassy, repatriation, auditor } = PERSONAS;
const PLACE_HOLD = `mutation ($victimId: ID!, $reason: String!) { placeLegalHold(victimId: $victimId, reason: $reason) { id victimId reason placedByOrg placedAt liftedAt } }`;
const LIFT_HOLD = `mutation ($victimId: ID!, $reason: String!) { liftLegalHold(victimId: $victimId, reason: $reason) { id liftedAt liftedByOrg liftReason } }`;

type Everything = Record<string, unknown> & {
  consents: Array<{ granted: boolean }>;
  referrals: Array<{ status: string; purpose: string | null }>;
  currentPlacement: { placedAt: string; shelter: { id: string } } | null;
  nationalityVerification: { status: string; reason: string | null } | null;
  travelDocuments: Array<{ number: string | null; status: string }>;
  repatriation: {
    status: string;
    escortRequired: boolean;
    escortNeeds: string | null;
    receivingOrganisation: string | null;
    journeyLegs: unknown[];
  } | null;
};

describe("requestErasure", () => {
  const markers = markerValues();
  let person: Awaited<ReturnType<typeof personEverywhere>>;
  let erasureId: string;

  beforeAll(async () => {
    person = await personEverywhere(ask, { owner, government, embassy, repatriation }, markers);
  }, 60_000);

  it("erases the case at once and every other subgraph's part through the outbox, keeping the tombstone", async () => {
    const before = await asPersona<{ victim: Everything }>(government, EVERYTHING_ABOUT, { id: person.victimId });
    expect(before.errors).toBeUndefined();
    expect(before.data!.victim.legalName).toBe(markers.legalName);
    expect(before.data!.victim.repatriation!.journeyLegs).toHaveLength(1);

    const requested = await asPersona<{ requestErasure: { id: string; status: string; deliveries: unknown[] } }>(
      owner,
      REQUEST_ERASURE,
      { victimId: person.victimId, reason: "The survivor asked for erasure (GDPR art. 17)" },
    );
    expect(requested.errors).toBeUndefined();
    erasureId = requested.data!.requestErasure.id;
    expect(requested.data!.requestErasure.deliveries).toHaveLength(3);

    const done = await until(
      "every subgraph confirms",
      () => erasureProgress(ask, owner, person.victimId),
      (progress) => progress?.status === "COMPLETE",
    );
    expect(done!.completedAt).not.toBeNull();
    expect(done!.deliveries.map((delivery) => delivery.subgraph).sort()).toEqual([
      "embassies",
      "repatriation",
      "shelters",
    ]);
    expect(done!.deliveries.every((delivery) => delivery.confirmedAt !== null)).toBe(true);

    const after = await asPersona<{ victim: Everything }>(government, EVERYTHING_ABOUT, { id: person.victimId });
    expect(after.errors).toBeUndefined();
    const victim = after.data!.victim;
    // The tombstone: what statistics and the audit trail need.
    expect(victim).toMatchObject({
      id: person.victimId,
      caseNumber: person.caseNumber,
      nationality: "PH",
      gender: "UNDISCLOSED",
      ageBracket: "AGE_26_35",
      rescuedAt: "2026-11-02T00:00:00.000Z",
    });
    expect(victim.erasedAt).not.toBeNull();
    for (const field of [
      "preferredName",
      "legalName",
      "dateOfBirth",
      "identityDocumentNumber",
      "rescueLocation",
      "medicalNeeds",
      "psychosocialNeeds",
      "testimony",
      "familyContact",
    ])
      expect([field, victim[field]]).toEqual([field, null]);
    expect(victim.languages).toEqual([]);
    expect(victim.requiresMedicalEscort).toBe(false);
    expect(victim.consents.every((consent) => !consent.granted)).toBe(true);
    expect(victim.referrals).toEqual([{ status: "REVOKED", purpose: null }]);
    // Shelters: the stay stays (bed counts, stay statistics); an open stay keeps its time (the shelter
    // recorded it, and a jump to midnight would tell it of the erasure: attacks/erasure-seen-by-shelter).
    expect(victim.currentPlacement!.shelter.id).toBe(person.shelterId);
    expect(victim.currentPlacement!.placedAt).not.toMatch(/T00:00:00\.000Z$/);
    expect(victim.nationalityVerification).toEqual({ status: "CONFIRMED", reason: null });
    expect(victim.travelDocuments).toEqual([{ number: null, status: "VALID" }]);
    expect(victim.repatriation).toEqual({
      status: "REQUESTED",
      escortRequired: false,
      escortNeeds: null,
      receivingOrganisation: null,
      journeyLegs: [],
    });
    expect(JSON.stringify(after.data)).not.toMatch(/Zq|ZQ/);
  }, 60_000);

  it("is one erasure however often it is asked", async () => {
    const again = await asPersona<{ requestErasure: { id: string; status: string } }>(owner, REQUEST_ERASURE, {
      victimId: person.victimId,
      reason: "Asked again by mistake",
    });
    expect(again.errors).toBeUndefined();
    expect(again.data!.requestErasure).toMatchObject({ id: erasureId, status: "COMPLETE" });
  });

  it("is in every subgraph's audit trail once, with field names and no value, and every chain still verifies", async () => {
    const trail = await asPersona<{
      auditTrail: {
        edges: Array<{
          node: { subgraph: string; kind: string; action: string; fields: string[]; victimIds: string[] };
        }>;
      };
    }>(
      auditor,
      `query ($victimId: ID!) { auditTrail(filter: { victimId: $victimId }, first: 100) { edges { node { subgraph kind action fields victimIds } } } }`,
      { victimId: person.victimId },
    );
    expect(trail.errors).toBeUndefined();
    const entries = trail.data!.auditTrail.edges.map((edge) => edge.node);
    const erasures = entries.filter((entry) => entry.action === "eraseSubject");
    expect(erasures.map((entry) => entry.subgraph).sort()).toEqual([
      "embassies",
      "repatriation",
      "shelters",
      "victims",
    ]);
    expect(erasures.find((entry) => entry.subgraph === "victims")!.fields).toContain("Victim.legalName");
    expect(erasures.find((entry) => entry.subgraph === "embassies")!.fields).toContain("TravelDocument.number");
    // Asked twice: two requests recorded, one erasure.
    const writes = entries.filter((entry) => entry.kind === "WRITE");
    expect(writes.filter((entry) => entry.action === "requestErasure")).toHaveLength(2);
    expect(writes.filter((entry) => entry.action === "eraseSubject")).toHaveLength(4);
    expect(entries.filter((entry) => entry.action === "erasureCompleted")).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toMatch(/Zq|ZQ/);

    const chains = await asPersona<{ verifyAuditChain: Array<{ subgraph: string; intact: boolean }> }>(
      auditor,
      `{ verifyAuditChain { subgraph intact } }`,
    );
    expect(chains.errors).toBeUndefined();
    expect(chains.data!.verifyAuditChain).toHaveLength(4);
    expect(chains.data!.verifyAuditChain.every((chain) => chain.intact)).toBe(true);
  });

  it("refuses a reason that says nothing, and an id that names nobody like any case the caller may not see", async () => {
    const empty = await asPersona(owner, REQUEST_ERASURE, { victimId: person.victimId, reason: "  " });
    expect(errorCodes(empty)).toEqual(["BAD_USER_INPUT"]);
    const nobody = await asPersona(owner, REQUEST_ERASURE, { victimId: randomUUID(), reason: "The survivor asked" });
    expect(errorCodes(nobody)).toEqual(["NOT_FOUND"]);
  });
});

describe("legal hold", () => {
  it("blocks erasure while it stands, is seen by government only, and erasure goes ahead once it is lifted", async () => {
    const victim = await register(owner);
    const placed = await asPersona<{ placeLegalHold: { id: string; placedByOrg: string; liftedAt: string | null } }>(
      government,
      PLACE_HOLD,
      { victimId: victim.id, reason: "Evidence for proceedings 2026/114" },
    );
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.placeLegalHold).toMatchObject({ placedByOrg: government.org, liftedAt: null });
    const twice = await asPersona(government, PLACE_HOLD, { victimId: victim.id, reason: "Evidence again" });
    expect(errorCodes(twice)).toEqual(["CONFLICT"]);

    const refused = await asPersona(owner, REQUEST_ERASURE, { victimId: victim.id, reason: "The survivor asked" });
    expect(errorCodes(refused)).toEqual(["LEGAL_HOLD"]);
    const governmentRefused = await asPersona(government, REQUEST_ERASURE, { victimId: victim.id, reason: "Asked" });
    expect(errorCodes(governmentRefused)).toEqual(["LEGAL_HOLD"]);

    const HOLD = `query ($id: ID!) { victim(id: $id) { legalName legalHold { reason placedByOrg } erasure { id } } }`;
    const seenByGovernment = await asPersona<{ victim: { legalName: string; legalHold: { reason: string } } }>(
      government,
      HOLD,
      { id: victim.id },
    );
    expect(seenByGovernment.data!.victim.legalHold.reason).toBe("Evidence for proceedings 2026/114");
    expect(seenByGovernment.data!.victim.legalName).not.toBeNull();
    // The owner is told that a hold stands (its own case's trail names placeLegalHold anyway), not why.
    const ownerReason = await asPersona<{ victim: { legalHold: { reason: string | null; placedByOrg: string } } }>(
      owner,
      HOLD,
      { id: victim.id },
    );
    expect(ownerReason.data!.victim.legalHold).toEqual({ reason: null, placedByOrg: government.org });
    expect(errorCodes(ownerReason)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    const seenByOwner = await asPersona<{ victim: { legalHold: { placedByOrg: string }; erasure: unknown } }>(
      owner,
      `query ($id: ID!) { victim(id: $id) { legalHold { placedByOrg placedAt } erasure { id } } }`,
      { id: victim.id },
    );
    expect(seenByOwner.errors).toBeUndefined();
    expect(seenByOwner.data!.victim).toMatchObject({ legalHold: { placedByOrg: government.org }, erasure: null });

    const ownerMayNotLift = await asPersona(owner, LIFT_HOLD, { victimId: victim.id, reason: "Survivor asked" });
    expect(errorCodes(ownerMayNotLift)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    const lifted = await asPersona<{
      placeLegalHold: unknown;
      liftLegalHold: { liftedAt: string; liftReason: string };
    }>(government, LIFT_HOLD, { victimId: victim.id, reason: "Proceedings closed" });
    expect(lifted.errors).toBeUndefined();
    expect(lifted.data!.liftLegalHold).toMatchObject({ liftReason: "Proceedings closed", liftedByOrg: government.org });
    const liftAgain = await asPersona(government, LIFT_HOLD, { victimId: victim.id, reason: "Again" });
    expect(errorCodes(liftAgain)).toEqual(["CONFLICT"]);

    const erased = await asPersona<{ requestErasure: { id: string } }>(owner, REQUEST_ERASURE, {
      victimId: victim.id,
      reason: "The survivor asked",
    });
    expect(erased.errors).toBeUndefined();
    const holdOnErased = await asPersona(government, PLACE_HOLD, { victimId: victim.id, reason: "Too late now" });
    expect(errorCodes(holdOnErased)).toEqual(["CONFLICT"]);
  });
});
