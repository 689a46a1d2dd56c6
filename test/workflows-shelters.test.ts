/**
 * Shelter workflows through the gateway: placing, moving and discharging people, beds
 * never over-filled under real parallel requests, one shelter per person, opening and
 * changing shelters, and who may do each. Works in shelters it opens itself and with
 * its own NGO, so the read-only tests running beside it see the demo data unchanged.
 */
import type { DevTokenRequest } from "../platform/auth/tokens";
import { consent, refer, register, registerMany } from "./support/cases";
import { asPersona, asPersonaAt, errorCodes, PERSONAS } from "./support/hub";

const ngo = { role: "ngo", org: "ngo-placements" } as const;
const otherNgo = { role: "ngo", org: "ngo-placements-other" } as const;
const government = PERSONAS.government;

const PLACE = `mutation ($victimId: ID!, $shelterId: ID!) { placeVictim(victimId: $victimId, shelterId: $shelterId) { id placedAt endedAt endReason shelter { id freeBeds } } }`;
const TRANSFER = `mutation ($victimId: ID!, $to: ID!) { transferVictim(victimId: $victimId, toShelterId: $to) { id shelter { id freeBeds } } }`;
const DISCHARGE = `mutation ($victimId: ID!, $reason: DischargeReason!) { dischargeVictim(victimId: $victimId, reason: $reason) { id endedAt endReason shelter { id freeBeds } } }`;
const OPEN = `mutation ($shelter: OpenShelterInput!) { openShelter(shelter: $shelter) { id capacity freeBeds services languages } }`;
const UPDATE = `mutation ($id: ID!, $changes: UpdateShelterInput!) { updateShelter(id: $id, changes: $changes) { id capacity freeBeds services languages } }`;

type PlacementResult = {
  id: string;
  endedAt: string | null;
  endReason: string | null;
  shelter: { id: string; freeBeds: number };
};

let shelterCount = 0;
/** Opens a new shelter of `capacity` beds for one test and returns its id. */
async function openShelter(capacity: number): Promise<string> {
  const id = `shelter-test-${process.pid}-${Date.now()}-${(shelterCount += 1)}`;
  const response = await asPersona(government, OPEN, {
    shelter: {
      id,
      name: "Test Shelter (fictional)",
      region: "Tak",
      town: "Test Town",
      capacity,
      services: ["medical"],
      languages: ["en"],
    },
  });
  expect(response.errors).toBeUndefined();
  return id;
}

const staffOf = (shelterId: string): DevTokenRequest => ({ role: "shelter", org: shelterId, shelter: shelterId });

function place(persona: DevTokenRequest, victimId: string, shelterId: string) {
  return asPersona<{ placeVictim: PlacementResult }>(persona, PLACE, { victimId, shelterId });
}

async function freeBeds(shelterId: string): Promise<number> {
  const response = await asPersona<{ shelter: { freeBeds: number } }>(
    ngo,
    "query ($id: ID!) { shelter(id: $id) { freeBeds } }",
    { id: shelterId },
  );
  return response.data!.shelter.freeBeds;
}

async function currentShelter(victimId: string): Promise<string | null> {
  const response = await asPersona<{ victim: { currentPlacement: { shelter: { id: string } } | null } }>(
    government,
    "query ($id: ID!) { victim(id: $id) { currentPlacement { shelter { id } } } }",
    { id: victimId },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.victim.currentPlacement?.shelter.id ?? null;
}

describe("placeVictim", () => {
  it("places the case owner's client, and the bed is taken at once", async () => {
    const shelterId = await openShelter(3);
    const victim = await register(ngo);
    const response = await place(ngo, victim.id, shelterId);
    expect(response.errors).toBeUndefined();
    expect(response.data!.placeVictim).toMatchObject({
      endedAt: null,
      endReason: null,
      shelter: { id: shelterId, freeBeds: 2 },
    });
    expect(await freeBeds(shelterId)).toBe(2);
    expect(await currentShelter(victim.id)).toBe(shelterId);
  });

  it("never over-fills: 100 simultaneous placements into a 10-bed shelter, exactly 10 succeed", async () => {
    const shelterId = await openShelter(10);
    const victims = await registerMany(ngo, 100);
    const attempts = await Promise.all(victims.map((victimId) => place(ngo, victimId, shelterId)));
    const placed = attempts.filter((attempt) => attempt.data?.placeVictim);
    expect(placed).toHaveLength(10);
    const refused = attempts.filter((attempt) => !attempt.data?.placeVictim);
    expect(refused.map((attempt) => errorCodes(attempt))).toEqual(
      Array.from({ length: 90 }, () => ["CAPACITY_EXCEEDED"]),
    );
    expect(await freeBeds(shelterId)).toBe(0);
    const residents = await asPersona<{ shelter: { residents: unknown[] } }>(
      government,
      "query ($id: ID!) { shelter(id: $id) { residents { id } } }",
      { id: shelterId },
    );
    expect(residents.data!.shelter.residents).toHaveLength(10);
  });

  it("keeps a person in one shelter: simultaneous placements into five shelters, exactly one succeeds", async () => {
    const shelters = await Promise.all(Array.from({ length: 5 }, () => openShelter(5)));
    const victim = await register(ngo);
    const attempts = await Promise.all(shelters.map((shelterId) => place(ngo, victim.id, shelterId)));
    expect(attempts.filter((attempt) => attempt.data?.placeVictim)).toHaveLength(1);
    expect(attempts.filter((attempt) => errorCodes(attempt)[0] === "CONFLICT")).toHaveLength(4);
    const total = (await Promise.all(shelters.map(freeBeds))).reduce((sum, free) => sum + free, 0);
    expect(total).toBe(5 * 5 - 1);
  });

  it("lets staff of a shelter place a person referred to it, into their own shelter only", async () => {
    const [mine, other] = [await openShelter(4), await openShelter(4)];
    const victim = await register(ngo);
    expect(errorCodes(await place(staffOf(mine), victim.id, mine))).toEqual(["NOT_FOUND"]);
    await consent(ngo, victim.id, "SHELTER_SHARING", true);
    expect(
      (await refer(ngo, victim.id, { toOrg: mine, toRole: "SHELTER", purpose: "a bed tonight" })).errors,
    ).toBeUndefined();
    expect(errorCodes(await place(staffOf(mine), victim.id, other))).toEqual(["FORBIDDEN"]);
    expect((await place(staffOf(mine), victim.id, mine)).data!.placeVictim.shelter.id).toBe(mine);
  });

  it("shows staff who stays, but not even the id of a person whose case is not referred to them", async () => {
    const shelterId = await openShelter(4);
    const [referred, unreferred] = await registerMany(ngo, 2);
    await consent(ngo, referred, "SHELTER_SHARING", true);
    await refer(ngo, referred, { toOrg: shelterId, toRole: "SHELTER", purpose: "a bed tonight" });
    await place(ngo, referred, shelterId);
    await place(ngo, unreferred, shelterId);
    const query = "query ($id: ID!) { shelter(id: $id) { residents { victim { id } } } }";
    const asStaff = await asPersona<{ shelter: { residents: Array<{ victim: { id: string } | null }> } }>(
      staffOf(shelterId),
      query,
      { id: shelterId },
    );
    expect(asStaff.data!.shelter.residents.map((resident) => resident.victim?.id ?? null).sort()).toEqual(
      [referred, null].sort(),
    );
    const straight = await asPersonaAt<{ shelter: { residents: Array<{ victim: { id: string } | null }> } }>(
      "shelters",
      staffOf(shelterId),
      query,
      { id: shelterId },
    );
    expect(straight.data!.shelter.residents.filter((resident) => resident.victim === null)).toHaveLength(1);
  });

  it("is NOT_FOUND for a partner that cannot see the case, FORBIDDEN for one that sees but does not own it", async () => {
    const shelterId = await openShelter(4);
    const victim = await register(ngo);
    expect(errorCodes(await place(otherNgo, victim.id, shelterId))).toEqual(["NOT_FOUND"]);
    await refer(ngo, victim.id, { toOrg: otherNgo.org, toRole: "NGO", purpose: "legal aid" });
    expect(errorCodes(await place(otherNgo, victim.id, shelterId))).toEqual(["FORBIDDEN"]);
    expect(await freeBeds(shelterId)).toBe(4);
  });

  it.each(["embassyPH", "repatriation", "auditor"] as const)(
    "is refused to %s, at the gateway and at the subgraph",
    async (name) => {
      const shelterId = await openShelter(2);
      const victim = await register(ngo);
      expect(errorCodes(await place(PERSONAS[name], victim.id, shelterId))).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      const direct = await asPersonaAt("shelters", PERSONAS[name], PLACE, { victimId: victim.id, shelterId });
      expect(errorCodes(direct)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      expect(await freeBeds(shelterId)).toBe(2);
    },
  );

  it("answers an unknown person or shelter with NOT_FOUND, and a bad id the same way", async () => {
    const shelterId = await openShelter(2);
    const victim = await register(ngo);
    expect(errorCodes(await place(ngo, "00000000-0000-4000-8000-000000000000", shelterId))).toEqual(["NOT_FOUND"]);
    // An id that is no id is refused before anything is looked up.
    expect(errorCodes(await place(ngo, "'; DROP TABLE placement; --", shelterId))).toEqual(["BAD_USER_INPUT"]);
    expect(errorCodes(await place(ngo, victim.id, "shelter-does-not-exist"))).toEqual(["NOT_FOUND"]);
  });
});

describe("transferVictim and dischargeVictim", () => {
  it("moves a person in one step: the old stay ends as TRANSFERRED and both shelters' beds follow", async () => {
    const [from, to] = [await openShelter(3), await openShelter(3)];
    const victim = await register(ngo);
    await place(ngo, victim.id, from);
    const moved = await asPersona<{ transferVictim: PlacementResult }>(ngo, TRANSFER, { victimId: victim.id, to });
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.transferVictim.shelter).toEqual({ id: to, freeBeds: 2 });
    expect(await freeBeds(from)).toBe(3);
    expect(await currentShelter(victim.id)).toBe(to);
    const nowhere = await asPersona(ngo, TRANSFER, { victimId: victim.id, to });
    expect(nowhere.errors![0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      rowErrors: [{ field: "toShelterId", reason: expect.any(String) }],
    });
  });

  it("refuses a transfer into a full shelter and changes nothing", async () => {
    const [from, full] = [await openShelter(3), await openShelter(1)];
    const [victim, occupant] = await registerMany(ngo, 2);
    await place(ngo, victim, from);
    await place(ngo, occupant, full);
    expect(errorCodes(await asPersona(ngo, TRANSFER, { victimId: victim, to: full }))).toEqual(["CAPACITY_EXCEEDED"]);
    expect(await currentShelter(victim)).toBe(from);
    expect([await freeBeds(from), await freeBeds(full)]).toEqual([2, 0]);
  });

  it("lets staff of the shelter a person leaves move them, not staff of another shelter", async () => {
    const [from, to] = [await openShelter(3), await openShelter(3)];
    const victim = await register(ngo);
    await consent(ngo, victim.id, "SHELTER_SHARING", true);
    await refer(ngo, victim.id, { toOrg: from, toRole: "SHELTER", purpose: "a bed tonight" });
    await refer(ngo, victim.id, { toOrg: to, toRole: "SHELTER", purpose: "longer stay" });
    await place(ngo, victim.id, from);
    expect(errorCodes(await asPersona(staffOf(to), TRANSFER, { victimId: victim.id, to }))).toEqual(["FORBIDDEN"]);
    expect((await asPersona(staffOf(from), TRANSFER, { victimId: victim.id, to })).errors).toBeUndefined();
  });

  it("discharges with a reason, frees the bed, and a second discharge is a CONFLICT", async () => {
    const shelterId = await openShelter(2);
    const victim = await register(ngo);
    await place(ngo, victim.id, shelterId);
    const discharged = await asPersona<{ dischargeVictim: PlacementResult }>(ngo, DISCHARGE, {
      victimId: victim.id,
      reason: "MOVED_TO_OTHER_CARE",
    });
    expect(discharged.errors).toBeUndefined();
    expect(discharged.data!.dischargeVictim).toMatchObject({
      endReason: "MOVED_TO_OTHER_CARE",
      endedAt: expect.any(String),
      shelter: { id: shelterId, freeBeds: 2 },
    });
    expect(await currentShelter(victim.id)).toBeNull();
    expect(errorCodes(await asPersona(ngo, DISCHARGE, { victimId: victim.id, reason: "OTHER" }))).toEqual(["CONFLICT"]);
    expect(errorCodes(await asPersona(ngo, DISCHARGE, { victimId: victim.id, reason: "TRANSFERRED" }))).toEqual([
      "BAD_USER_INPUT",
    ]);
  });

  it.each(["embassyPH", "repatriation", "auditor"] as const)(
    "transfer and discharge are refused to %s, at the gateway and at the subgraph",
    async (name) => {
      const [from, to] = [await openShelter(2), await openShelter(2)];
      const victim = await register(ngo);
      await place(ngo, victim.id, from);
      for (const [query, variables] of [
        [TRANSFER, { victimId: victim.id, to }],
        [DISCHARGE, { victimId: victim.id, reason: "OTHER" }],
      ] as const) {
        expect(errorCodes(await asPersona(PERSONAS[name], query, variables))).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
        expect(errorCodes(await asPersonaAt("shelters", PERSONAS[name], query, variables))).toEqual([
          "UNAUTHORIZED_FIELD_OR_TYPE",
        ]);
      }
      expect(await currentShelter(victim.id)).toBe(from);
    },
  );

  it("is NOT_FOUND for a partner that cannot see the case", async () => {
    const shelterId = await openShelter(2);
    const victim = await register(ngo);
    await place(ngo, victim.id, shelterId);
    expect(errorCodes(await asPersona(otherNgo, DISCHARGE, { victimId: victim.id, reason: "OTHER" }))).toEqual([
      "NOT_FOUND",
    ]);
    expect(
      errorCodes(await asPersona(staffOf(shelterId), DISCHARGE, { victimId: victim.id, reason: "OTHER" })),
    ).toEqual(["NOT_FOUND"]);
    expect(await currentShelter(victim.id)).toBe(shelterId);
  });
});

describe("openShelter and updateShelter", () => {
  it("government opens a shelter; the same id again is a CONFLICT; a bad id is BAD_USER_INPUT", async () => {
    const id = await openShelter(7);
    const again = await asPersona(government, OPEN, {
      shelter: { id, name: "Again", region: "Tak", town: "Tak", capacity: 1 },
    });
    expect(errorCodes(again)).toEqual(["CONFLICT"]);
    const bad = await asPersona(government, OPEN, {
      shelter: { id: "Not An Id", name: "Bad", region: "Tak", town: "Tak", capacity: -1 },
    });
    expect(errorCodes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors![0].extensions!.rowErrors).toEqual([
      { field: "id", reason: expect.stringMatching(/shelter-<town>-<n>/) },
      { field: "capacity", reason: expect.stringMatching(/not be less than 0/) },
    ]);
  });

  it.each(["ngo", "shelter", "embassyPH", "repatriation", "auditor"] as const)(
    "openShelter is refused to %s",
    async (name) => {
      const response = await asPersona(PERSONAS[name], OPEN, {
        shelter: {
          id: `shelter-refused-${name.toLowerCase()}`,
          name: "Refused",
          region: "Tak",
          town: "Tak",
          capacity: 1,
        },
      });
      expect(errorCodes(response)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    },
  );

  it("staff change their own shelter's beds, services and languages; never below who stays there", async () => {
    const shelterId = await openShelter(3);
    const [first, second] = await registerMany(ngo, 2);
    await place(ngo, first, shelterId);
    await place(ngo, second, shelterId);
    const changed = await asPersona(staffOf(shelterId), UPDATE, {
      id: shelterId,
      changes: { capacity: 5, services: ["medical", "legal"], languages: ["en", "th"] },
    });
    expect(changed.data).toEqual({
      updateShelter: {
        id: shelterId,
        capacity: 5,
        freeBeds: 3,
        services: ["medical", "legal"],
        languages: ["en", "th"],
      },
    });
    expect(
      errorCodes(await asPersona(staffOf(shelterId), UPDATE, { id: shelterId, changes: { capacity: 1 } })),
    ).toEqual(["CAPACITY_EXCEEDED"]);
    expect((await asPersona(government, UPDATE, { id: shelterId, changes: { capacity: 2 } })).data).toMatchObject({
      updateShelter: { capacity: 2, freeBeds: 0 },
    });
  });

  it("refuses staff of another shelter, other roles and bad input", async () => {
    const shelterId = await openShelter(3);
    expect(errorCodes(await asPersona(PERSONAS.shelter, UPDATE, { id: shelterId, changes: { capacity: 9 } }))).toEqual([
      "FORBIDDEN",
    ]);
    expect(errorCodes(await asPersona(ngo, UPDATE, { id: shelterId, changes: { capacity: 9 } }))).toEqual([
      "UNAUTHORIZED_FIELD_OR_TYPE",
    ]);
    const bad = await asPersona(government, UPDATE, { id: shelterId, changes: { languages: ["English"] } });
    expect(errorCodes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors![0].extensions!.rowErrors).toEqual([
      { field: "languages", reason: expect.stringMatching(/ISO 639-1/) },
    ]);
    expect(
      errorCodes(await asPersona(government, UPDATE, { id: "shelter-nowhere", changes: { capacity: 9 } })),
    ).toEqual(["NOT_FOUND"]);
  });
});
