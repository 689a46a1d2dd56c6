/**
 * Case workflows of the victims subgraph, through the gateway: registration (one, a
 * 1,000-person batch, a batch with a bad row), duplicates, optimistic concurrency, the
 * NRM decision, consents and referrals taking effect on the next request.
 * Runs beside the read-only tests on the same hub, so it works with its own partners
 * (an NGO, a shelter and an embassy no other test uses) and never changes theirs.
 */
import type { Role } from "../platform/auth/claims";
import type { DevTokenRequest } from "../platform/auth/tokens";
import { consent, CONSENT, person, refer, REGISTER, REGISTER_MANY, register, seesCase } from "./support/cases";
import { asPersona, asPersonaAt, errorCodes, PERSONAS, type GraphQLResponse } from "./support/hub";

const ngo = { role: "ngo", org: "ngo-workflow" } as const;
const otherNgo = { role: "ngo", org: "ngo-workflow-other" } as const;
const shelter = { role: "shelter", org: "shelter-umphang-1", shelter: "shelter-umphang-1" } as const;
const embassyUG = { role: "embassy", org: "embassy-UG", country: "UG" } as const;
const government = PERSONAS.government;

const rowErrors = (response: GraphQLResponse) =>
  response.errors?.[0]?.extensions?.rowErrors as Array<{ index?: number; field: string; reason: string }>;

describe("registerVictim", () => {
  it("registers a case owned by the registering NGO, in screening, with a new case number", async () => {
    const victim = await register(ngo);
    expect(victim).toMatchObject({ nationality: "UG", nrmStatus: "SCREENING", version: 1 });
    expect(victim.caseNumber).toMatch(/^MS-\d{4}-\d{4,}$/);
    expect(await seesCase(ngo, victim.id)).toBe(true);
    expect(await seesCase(government, victim.id)).toBe(true);
    expect(await seesCase(otherNgo, victim.id)).toBe(false);
  });

  it.each(["shelter", "embassyPH", "repatriation", "auditor"] as const)(
    "is refused to %s, at the gateway and at the subgraph",
    async (name) => {
      const persona = PERSONAS[name];
      const viaGateway = await asPersona(persona, REGISTER, { victim: person() });
      expect(errorCodes(viaGateway)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      const direct = await asPersonaAt("victims", persona, REGISTER, { victim: person() });
      expect(errorCodes(direct)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      expect(direct.data?.registerVictim ?? null).toBeNull();
    },
  );

  it.each([
    ["nationality", { nationality: "Uganda" }, /ISO 3166-1 alpha-2/],
    ["dateOfBirth", { dateOfBirth: "1999-13-40" }, /YYYY-MM-DD/],
    ["preferredName", { preferredName: "x".repeat(201) }, /shorter than or equal to 200/],
    ["languages", { languages: ["english"] }, /ISO 639-1/],
    ["rescuedAt", { rescuedAt: "yesterday" }, /ISO 8601/],
  ])("rejects a bad %s with BAD_USER_INPUT naming the field, and writes nothing", async (field, overrides, reason) => {
    const before = await countOwnedBy(ngo);
    const response = await asPersona(ngo, REGISTER, { victim: person(overrides) });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
    expect(rowErrors(response)).toEqual([{ field, reason: expect.stringMatching(reason) }]);
    expect(JSON.stringify(response.errors)).not.toMatch(/at .*\.js|SELECT|INSERT/);
    expect(await countOwnedBy(ngo)).toBe(before);
  });

  it("flags a registration matching an existing case for government, without telling the registering NGO", async () => {
    const first = await register(ngo, { identityDocumentNumber: "UG-DOC-778899" });
    const second = await register(otherNgo, { identityDocumentNumber: "UG-DOC-778899" });
    const byName = await register(otherNgo, { legalName: "Fictional Duplicate", dateOfBirth: "2001-02-03" });
    const byNameAgain = await register(ngo, { legalName: "fictional duplicate ", dateOfBirth: "2001-02-03" });
    const flags = await asPersona<{
      a: { possibleDuplicateOf: string[] };
      b: { possibleDuplicateOf: string[] };
      c: { possibleDuplicateOf: string[] };
    }>(
      government,
      "query ($a: ID!, $b: ID!, $c: ID!) { a: victim(id: $a) { possibleDuplicateOf } b: victim(id: $b) { possibleDuplicateOf } c: victim(id: $c) { possibleDuplicateOf } }",
      { a: first.id, b: second.id, c: byNameAgain.id },
    );
    expect(flags.data).toEqual({
      a: { possibleDuplicateOf: [] },
      b: { possibleDuplicateOf: [first.id] },
      c: { possibleDuplicateOf: [byName.id] },
    });
    const asNgo = await asPersona(otherNgo, "query ($id: ID!) { victim(id: $id) { caseNumber possibleDuplicateOf } }", {
      id: second.id,
    });
    expect(errorCodes(asNgo)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
  });
});

async function countOwnedBy(persona: DevTokenRequest): Promise<number> {
  const response = await asPersona<{ victims: { totalCount: number } }>(
    persona,
    "{ victims(first: 1) { totalCount } }",
  );
  return response.data!.victims.totalCount;
}

describe("registerVictims (screening day)", () => {
  const screeningNgo = { role: "ngo", org: "ngo-screening-day" } as const;
  const batch = (size: number) =>
    Array.from({ length: size }, (_, index) =>
      person({ legalName: `Fictional Screened ${index}`, identityDocumentNumber: `SCR-${Date.now()}-${index}` }),
    );

  it("registers 1,000 people in one call", async () => {
    const response = await asPersona<{ registerVictims: Array<{ id: string; caseNumber: string }> }>(
      screeningNgo,
      REGISTER_MANY,
      { victims: batch(1000) },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.registerVictims).toHaveLength(1000);
    expect(new Set(response.data!.registerVictims.map((victim) => victim.caseNumber)).size).toBe(1000);
    expect(await countOwnedBy(screeningNgo)).toBe(1000);
  });

  it("rejects a whole batch with one bad row, naming every bad row, and writes nothing", async () => {
    const otherScreening = { role: "ngo", org: "ngo-screening-two" } as const;
    const victims = batch(300);
    victims[117] = { ...victims[117], nationality: "xx" };
    victims[250] = { ...victims[250], dateOfBirth: "31/12/1999" };
    const response = await asPersona(otherScreening, REGISTER_MANY, { victims });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
    expect(rowErrors(response)).toEqual([
      { index: 117, field: "nationality", reason: expect.any(String) },
      { index: 250, field: "dateOfBirth", reason: expect.any(String) },
    ]);
    expect(await countOwnedBy(otherScreening)).toBe(0);
  });

  it("refuses more than 1,000 people at once", async () => {
    const response = await asPersona(screeningNgo, REGISTER_MANY, { victims: batch(1001) });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("updateVictim", () => {
  const UPDATE = `mutation ($id: ID!, $version: Int!, $changes: UpdateVictimInput!) { updateVictim(id: $id, version: $version, changes: $changes) { version medicalNeeds } }`;

  it("applies a change and moves the version on; a stale version gets CONFLICT with the current one", async () => {
    const victim = await register(ngo);
    const first = await asPersona<{ updateVictim: { version: number; medicalNeeds: string } }>(ngo, UPDATE, {
      id: victim.id,
      version: 1,
      changes: { medicalNeeds: "asthma" },
    });
    expect(first.data!.updateVictim).toEqual({ version: 2, medicalNeeds: "asthma" });
    const stale = await asPersona(ngo, UPDATE, {
      id: victim.id,
      version: 1,
      changes: { medicalNeeds: "overwritten?" },
    });
    expect(errorCodes(stale)).toEqual(["CONFLICT"]);
    expect(stale.errors![0].extensions!.currentVersion).toBe(2);
  });

  it("of two simultaneous updates from the same version, exactly one wins and the other gets CONFLICT", async () => {
    const victim = await register(ngo);
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        asPersona<{ updateVictim: { version: number } }>(ngo, UPDATE, {
          id: victim.id,
          version: 1,
          changes: { medicalNeeds: `writer ${index}` },
        }),
      ),
    );
    const winners = attempts.filter((attempt) => attempt.data?.updateVictim);
    expect(winners).toHaveLength(1);
    expect(attempts.filter((attempt) => errorCodes(attempt)[0] === "CONFLICT")).toHaveLength(7);
  });

  it("is NOT_FOUND for a partner that cannot see the case, FORBIDDEN for one that sees but does not own it", async () => {
    const victim = await register(ngo);
    expect(
      errorCodes(await asPersona(otherNgo, UPDATE, { id: victim.id, version: 1, changes: { medicalNeeds: "x" } })),
    ).toEqual(["NOT_FOUND"]);
    await refer(ngo, victim.id, { toOrg: otherNgo.org, toRole: "NGO", purpose: "legal aid" });
    expect(
      errorCodes(await asPersona(otherNgo, UPDATE, { id: victim.id, version: 1, changes: { medicalNeeds: "x" } })),
    ).toEqual(["FORBIDDEN"]);
    expect(
      errorCodes(await asPersona(shelter, UPDATE, { id: victim.id, version: 1, changes: { medicalNeeds: "x" } })),
    ).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
  });
});

describe("identifyVictim", () => {
  const IDENTIFY = `mutation ($id: ID!, $decision: NrmDecisionInput!) { identifyVictim(id: $id, decision: $decision) { nrmStatus identifiedAt nrmDecidedBy } }`;

  it("government records the NRM decision with its date and team", async () => {
    const victim = await register(ngo);
    const response = await asPersona(government, IDENTIFY, {
      id: victim.id,
      decision: { decision: "IDENTIFIED", decidedOn: "2026-03-01", decidingTeam: "Tak MDT" },
    });
    expect(response.data!.identifyVictim).toEqual({
      nrmStatus: "IDENTIFIED",
      identifiedAt: "2026-03-01T00:00:00.000Z",
      nrmDecidedBy: "Tak MDT",
    });
  });

  it.each(["ngo", "shelter", "embassyPH", "repatriation", "auditor"] as const)("is refused to %s", async (name) => {
    const victim = await register(ngo);
    const response = await asPersona(PERSONAS[name], IDENTIFY, {
      id: victim.id,
      decision: { decision: "IDENTIFIED", decidedOn: "2026-03-01", decidingTeam: "x" },
    });
    expect(errorCodes(response)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
  });
});

describe("consent", () => {
  it("an embassy sees its national once consular contact is recorded, and no longer on the next request after withdrawal", async () => {
    const victim = await register(ngo);
    expect(await seesCase(embassyUG, victim.id)).toBe(false);
    await consent(ngo, victim.id, "CONSULAR_CONTACT", true);
    expect(await seesCase(embassyUG, victim.id)).toBe(true);
    await consent(ngo, victim.id, "CONSULAR_CONTACT", false);
    expect(await seesCase(embassyUG, victim.id)).toBe(false);
  });

  it("is recorded with who recorded it", async () => {
    const victim = await register(ngo);
    const response = await asPersona(ngo, CONSENT, {
      victimId: victim.id,
      consent: { kind: "SHELTER_SHARING", granted: true },
    });
    expect(response.data!.recordConsent).toEqual({
      kind: "SHELTER_SHARING",
      granted: true,
      recordedByOrg: "ngo-workflow",
    });
  });

  it("is refused to partners that do not own the case", async () => {
    const victim = await register(ngo);
    expect(
      errorCodes(
        await asPersona(otherNgo, CONSENT, { victimId: victim.id, consent: { kind: "REPATRIATION", granted: true } }),
      ),
    ).toEqual(["NOT_FOUND"]);
    expect(
      errorCodes(
        await asPersona(embassyUG, CONSENT, { victimId: victim.id, consent: { kind: "REPATRIATION", granted: true } }),
      ),
    ).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
  });
});

describe("referrals", () => {
  const RESPOND = `mutation ($id: ID!, $accept: Boolean!) { respondToReferral(id: $id, accept: $accept) { status } }`;
  const REVOKE = `mutation ($id: ID!) { revokeReferral(id: $id) { status } }`;
  const toShelter = { toOrg: shelter.org, toRole: "SHELTER", purpose: "safe accommodation" };

  it("to a shelter needs shelter-sharing consent", async () => {
    const victim = await register(ngo);
    expect(errorCodes(await refer(ngo, victim.id, toShelter))).toEqual(["CONSENT_REQUIRED"]);
    await consent(ngo, victim.id, "SHELTER_SHARING", true);
    expect((await refer(ngo, victim.id, toShelter)).data!.referCase.status).toBe("PENDING");
    expect(errorCodes(await refer(ngo, victim.id, toShelter))).toEqual(["CONFLICT"]);
  });

  it("opens the case to the shelter; the shelter accepts; revoking closes it on the next request", async () => {
    const victim = await register(ngo);
    await consent(ngo, victim.id, "SHELTER_SHARING", true);
    expect(await seesCase(shelter, victim.id)).toBe(false);
    const referral = (await refer(ngo, victim.id, toShelter)).data!.referCase;
    expect(await seesCase(shelter, victim.id)).toBe(true);
    const pending = await asPersona<{ referralsToMe: Array<{ id: string; status: string; victim: { id: string } }> }>(
      shelter,
      "{ referralsToMe(status: PENDING) { id status victim { id } } }",
    );
    expect(pending.data!.referralsToMe).toContainEqual({
      id: referral.id,
      status: "PENDING",
      victim: { id: victim.id },
    });
    expect((await asPersona(shelter, RESPOND, { id: referral.id, accept: true })).data).toEqual({
      respondToReferral: { status: "ACCEPTED" },
    });
    expect((await asPersona(ngo, REVOKE, { id: referral.id })).data).toEqual({ revokeReferral: { status: "REVOKED" } });
    expect(await seesCase(shelter, victim.id)).toBe(false);
    const straight = await asPersonaAt("victims", shelter, "query ($id: ID!) { victim(id: $id) { id } }", {
      id: victim.id,
    });
    expect(errorCodes(straight)).toEqual(["NOT_FOUND"]);
  });

  it("a final referral cannot change again: INVALID_TRANSITION names the state and what is allowed", async () => {
    const victim = await register(ngo);
    await consent(ngo, victim.id, "SHELTER_SHARING", true);
    const referral = (await refer(ngo, victim.id, toShelter)).data!.referCase;
    await asPersona(shelter, RESPOND, { id: referral.id, accept: false });
    const again = await asPersona(ngo, REVOKE, { id: referral.id });
    expect(errorCodes(again)).toEqual(["INVALID_TRANSITION"]);
    expect(again.errors![0].extensions).toMatchObject({ currentState: "DECLINED", allowedTransitions: [] });
  });

  it("only the addressee may accept; to anyone else the referral is NOT_FOUND, whether or not it sees the case", async () => {
    const victim = await register(ngo);
    await consent(ngo, victim.id, "SHELTER_SHARING", true);
    const referral = (await refer(ngo, victim.id, toShelter)).data!.referCase;
    expect(errorCodes(await asPersona(PERSONAS.shelter, RESPOND, { id: referral.id, accept: true }))).toEqual([
      "NOT_FOUND",
    ]);
    await refer(ngo, victim.id, { toOrg: otherNgo.org, toRole: "NGO", purpose: "legal aid" });
    // It sees the case now, but the referral is addressed to another organisation: as if it did not exist (no existence oracle).
    expect(errorCodes(await asPersona(otherNgo, RESPOND, { id: referral.id, accept: true }))).toEqual(["NOT_FOUND"]);
  });

  it("withdrawing shelter-sharing consent ends the shelter's access and revokes its referral", async () => {
    const victim = await register(ngo);
    await consent(ngo, victim.id, "SHELTER_SHARING", true);
    const referral = (await refer(ngo, victim.id, toShelter)).data!.referCase;
    expect(await seesCase(shelter, victim.id)).toBe(true);
    await consent(ngo, victim.id, "SHELTER_SHARING", false);
    expect(await seesCase(shelter, victim.id)).toBe(false);
    const referrals = await asPersona<{ victim: { referrals: Array<{ id: string; status: string }> } }>(
      ngo,
      "query ($id: ID!) { victim(id: $id) { referrals { id status } } }",
      { id: victim.id },
    );
    expect(referrals.data!.victim.referrals).toContainEqual({ id: referral.id, status: "REVOKED" });
  });

  it("a referral names a role: one to an organisation as an NGO opens nothing to a shelter of the same id", async () => {
    const victim = await register(ngo);
    await refer(ngo, victim.id, { toOrg: shelter.org, toRole: "NGO", purpose: "mislabelled" });
    expect(await seesCase(shelter, victim.id)).toBe(false);
  });

  it.each(["shelter", "embassyPH", "repatriation", "auditor"] as const)("referCase is refused to %s", async (name) => {
    const victim = await register(ngo);
    const role: Role = PERSONAS[name].role;
    const response = await refer(PERSONAS[name], victim.id, {
      toOrg: "ngo-harbour",
      toRole: "NGO",
      purpose: `tried by ${role}`,
    });
    expect(errorCodes(response)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
  });
});
