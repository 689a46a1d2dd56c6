/**
 * What the erasure tests share: a person with unique marker values in every subgraph (the
 * case, a placement, a confirmed nationality with a travel document, a journey with a leg),
 * the erasure's progress, and a search of raw database files for the markers.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import type { GraphQLResponse } from "./hub";

export type Ask = <T = Record<string, unknown>>(
  persona: DevTokenRequest,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<GraphQLResponse<T>>;

/** Values no other test and no demo record holds: each appears in the database only because this person was written. */
/**
 * The erasure fields the demo release leaves empty (it erases no case and holds none): the
 * field-rule tests accept them without a value; test/workflows-erasure.test.ts reads each with one.
 */
export const ERASURE_FIELDS_EMPTY_IN_DEMO: readonly string[] = [
  "Victim.erasedAt",
  "Victim.erasure",
  "Victim.legalHold",
  ...[
    "id",
    "victimId",
    "reason",
    "requestedByOrg",
    "requestedByRole",
    "requestedAt",
    "completedAt",
    "status",
    "deliveries",
  ].map((field) => `ErasureRequest.${field}`),
  ...["subgraph", "attempts", "confirmedAt", "nextAttemptAt"].map((field) => `ErasureDelivery.${field}`),
  ...["id", "victimId", "reason", "placedByOrg", "placedAt", "liftedAt", "liftedByOrg", "liftReason"].map(
    (field) => `LegalHold.${field}`,
  ),
];

/** The markers of the fields encrypted at rest (docs/encryption.md): never in a file as plain text, even before erasure. */
export const ENCRYPTED_MARKERS = [
  "identityDocumentNumber",
  "testimony",
  "familyContact",
  "travelDocumentNumber",
] as const;

export function markerValues(): Record<string, string> {
  const tag = randomBytes(6).toString("hex").toUpperCase();
  return {
    legalName: `Zqlegal ${tag}`,
    preferredName: `Zqpref ${tag}`,
    identityDocumentNumber: `ZQID${tag}`,
    testimony: `Zqtestimony ${tag}`,
    familyContact: `Zqfamily ${tag}`,
    medicalNeeds: `Zqmedical ${tag}`,
    rescueLocation: `Zqrescue ${tag}`,
    referralPurpose: `Zqpurpose ${tag}`,
    travelDocumentNumber: `ZQTD-${tag}`,
    receivingOrganisation: `Zqreceiving ${tag}`,
    escortNeeds: `Zqescort ${tag}`,
    fromPlace: `Zqfrom ${tag}`,
    toPlace: `Zqto ${tag}`,
    carrier: `Zqcarrier ${tag}`,
  };
}

export interface PersonEverywhere {
  victimId: string;
  caseNumber: string;
  shelterId: string;
  repatriationCaseId: string;
}

function ok<T>(response: GraphQLResponse<T>, what: string): T {
  if (response.errors || !response.data) throw new Error(`${what}: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/**
 * A Philippine national registered by `owner` with every marker: consents, a referral (its
 * purpose a marker), a stay in a shelter of its own, a confirmed nationality and a travel
 * document, a journey home with one leg. Through `ask` (the gateway of whichever hub).
 */
export async function personEverywhere(
  ask: Ask,
  personas: {
    owner: DevTokenRequest;
    government: DevTokenRequest;
    embassy: DevTokenRequest;
    repatriation: DevTokenRequest;
  },
  markers: Record<string, string>,
): Promise<PersonEverywhere> {
  const { owner, government, embassy, repatriation } = personas;
  const registered = ok(
    await ask<{ registerVictim: { id: string; caseNumber: string } }>(
      owner,
      `mutation ($victim: RegisterVictimInput!) { registerVictim(victim: $victim) { id caseNumber } }`,
      {
        victim: {
          nationality: embassy.country,
          gender: "FEMALE",
          ageBracket: "AGE_26_35",
          legalName: markers.legalName,
          preferredName: markers.preferredName,
          identityDocumentNumber: markers.identityDocumentNumber,
          testimony: markers.testimony,
          familyContact: markers.familyContact,
          medicalNeeds: markers.medicalNeeds,
          rescueLocation: markers.rescueLocation,
          rescuedAt: "2026-11-02T07:45:12Z",
          dateOfBirth: "1994-03-17",
        },
      },
    ),
    "register",
  ).registerVictim;
  const victimId = registered.id;
  for (const kind of ["CONSULAR_CONTACT", "REPATRIATION", "SHELTER_SHARING"])
    ok(
      await ask(
        owner,
        `mutation ($victimId: ID!, $consent: ConsentInput!) { recordConsent(victimId: $victimId, consent: $consent) { kind } }`,
        { victimId, consent: { kind, granted: true } },
      ),
      `consent ${kind}`,
    );
  const shelterId = `shelter-erase-${process.pid}-${randomBytes(3).toString("hex")}`;
  ok(
    await ask(government, `mutation ($shelter: OpenShelterInput!) { openShelter(shelter: $shelter) { id } }`, {
      shelter: {
        id: shelterId,
        name: "Erasure Test Shelter (fictional)",
        region: "Tak",
        town: "Test Town",
        capacity: 5,
      },
    }),
    "open shelter",
  );
  ok(
    await ask(
      owner,
      `mutation ($victimId: ID!, $referral: ReferralInput!) { referCase(victimId: $victimId, referral: $referral) { id } }`,
      { victimId, referral: { toOrg: shelterId, toRole: "SHELTER", purpose: markers.referralPurpose } },
    ),
    "refer",
  );
  ok(
    await ask(
      owner,
      `mutation ($victimId: ID!, $shelterId: ID!) { placeVictim(victimId: $victimId, shelterId: $shelterId) { id } }`,
      {
        victimId,
        shelterId,
      },
    ),
    "place",
  );
  const verification = ok(
    await ask<{ requestNationalityVerification: { id: string } }>(
      owner,
      `mutation ($victimId: ID!) { requestNationalityVerification(victimId: $victimId) { id } }`,
      { victimId },
    ),
    "request verification",
  ).requestNationalityVerification;
  ok(
    await ask(
      embassy,
      `mutation ($id: ID!, $decision: VerificationDecisionInput!) { decideNationalityVerification(id: $id, decision: $decision) { id } }`,
      { id: verification.id, decision: { decision: "CONFIRMED" } },
    ),
    "confirm nationality",
  );
  ok(
    await ask(
      embassy,
      `mutation ($victimId: ID!, $document: TravelDocumentInput!) { issueTravelDocument(victimId: $victimId, document: $document) { id } }`,
      {
        victimId,
        document: {
          kind: "EMERGENCY_TRAVEL_CERTIFICATE",
          number: markers.travelDocumentNumber,
          issuedOn: "2026-11-20",
          expiresOn: "2099-02-20",
        },
      },
    ),
    "issue document",
  );
  const repatriationCase = ok(
    await ask<{ requestRepatriation: { id: string } }>(
      owner,
      `mutation ($victimId: ID!, $request: RepatriationRequestInput!) { requestRepatriation(victimId: $victimId, request: $request) { id } }`,
      { victimId, request: { receivingOrganisation: markers.receivingOrganisation, escortNeeds: markers.escortNeeds } },
    ),
    "request repatriation",
  ).requestRepatriation;
  ok(
    await ask(
      repatriation,
      `mutation ($caseId: ID!, $leg: JourneyLegInput!) { addJourneyLeg(caseId: $caseId, leg: $leg) { id } }`,
      {
        caseId: repatriationCase.id,
        leg: {
          mode: "FLIGHT",
          fromPlace: markers.fromPlace,
          toPlace: markers.toPlace,
          carrier: markers.carrier,
          departsAt: "2026-12-20T08:15:00Z",
        },
      },
    ),
    "add leg",
  );
  return { victimId, caseNumber: registered.caseNumber, shelterId, repatriationCaseId: repatriationCase.id };
}

export const REQUEST_ERASURE = `mutation ($victimId: ID!, $reason: String!) { requestErasure(victimId: $victimId, reason: $reason) { id victimId status completedAt deliveries { subgraph confirmedAt attempts } } }`;

export interface ErasureProgress {
  id: string;
  status: "IN_PROGRESS" | "COMPLETE";
  completedAt: string | null;
  deliveries: Array<{ subgraph: string; confirmedAt: string | null; attempts: number }>;
}

export async function erasureProgress(
  ask: Ask,
  persona: DevTokenRequest,
  victimId: string,
): Promise<ErasureProgress | null> {
  const response = await ask<{ victim: { erasure: ErasureProgress | null } }>(
    persona,
    `query ($id: ID!) { victim(id: $id) { erasure { id status completedAt deliveries { subgraph confirmedAt attempts } } } }`,
    { id: victimId },
  );
  return ok(response, "erasure progress").victim.erasure;
}

export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${timeoutMs} ms; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every case field with a personal value, and what the other subgraphs hold of the person. */
export const EVERYTHING_ABOUT = `query ($id: ID!) { victim(id: $id) {
  id caseNumber nationality gender ageBracket erasedAt preferredName languages legalName dateOfBirth identityDocumentNumber
  nrmStatus identifiedAt rescueLocation rescuedAt medicalNeeds psychosocialNeeds requiresMedicalEscort testimony familyContact
  consents { kind granted } referrals { status purpose }
  currentPlacement { placedAt shelter { id } }
  nationalityVerification { status reason }
  travelDocuments { number status }
  repatriation { status escortRequired escortNeeds receivingOrganisation journeyLegs { fromPlace } }
} }`;

/** The files under `dir` whose bytes hold any of `values`, as `file: value`. */
export function filesHolding(dir: string, values: readonly string[]): string[] {
  const found: string[] = [];
  const needles = values.map((value) => ({ value, bytes: Buffer.from(value, "utf8") }));
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        let content: Buffer;
        try {
          content = fs.readFileSync(full);
        } catch {
          continue; // removed meanwhile (a WAL segment)
        }
        for (const { value, bytes } of needles)
          if (content.includes(bytes)) found.push(`${path.relative(dir, full)}: ${value}`);
      }
    }
  };
  walk(dir);
  return found;
}
