/**
 * The shelters subgraph in process (harness.ts), with the victims subgraph started for
 * real beside it: field rules per role, `_entities`, the record rule (a shelter sees only
 * its own residents) and a placement with its audit entry.
 */
import { DEMO_SHELTERS, generateRelease } from "../../demo/release";
import { sheltersPolicy } from "../../subgraphs/shelters/policy";
import { describeFieldRules } from "./field-rules";
import { errorCodes, PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

let shelters: InProcessSubgraph;
beforeAll(async () => {
  shelters = await startInProcessSubgraph("shelters", { demoData: true });
}, START_TIMEOUT_MS);
afterAll(() => shelters?.stop(), START_TIMEOUT_MS);

const people = generateRelease();
const ownShelter = PERSONAS.shelter.shelter;
const otherShelter = DEMO_SHELTERS.find((shelter) => shelter.id !== ownShelter)!.id;

describeFieldRules(() => shelters, {
  policy: sheltersPolicy,
  rootArguments(root, persona) {
    if (root === "shelters") return "first: 3";
    if (root === "shelter") return `id: "${persona.shelter ?? ownShelter}"`;
    return undefined;
  },
  // Every read path returns current placements; an ended one is history (test/workflows-shelters.test.ts reads it).
  mayBeEmpty: ["Placement.endedAt", "Placement.endReason"],
});

describe("record rules", () => {
  const RESIDENTS = `query ($id: ID!) { shelter(id: $id) { residents { victim { id } } } }`;

  it("shelter staff see their own shelter's residents: exactly the people placed there", async () => {
    const response = await shelters.execute<{ shelter: { residents: Array<{ victim: { id: string } | null }> } }>(
      PERSONAS.shelter,
      RESIDENTS,
      { id: ownShelter },
    );
    expect(response.errors).toBeUndefined();
    const placedHere = people.filter((person) => person.shelterId === ownShelter).map((person) => person.id);
    expect(placedHere.length).toBeGreaterThan(0);
    expect(response.data!.shelter.residents.map((resident) => resident.victim?.id).sort()).toEqual(placedHere.sort());
  });

  it("and none of another shelter's: the list silently omits them", async () => {
    expect(people.some((person) => person.shelterId === otherShelter)).toBe(true);
    const response = await shelters.execute<{ shelter: { residents: unknown[] } }>(PERSONAS.shelter, RESIDENTS, {
      id: otherShelter,
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.shelter.residents).toEqual([]);
  });

  it("`_entities`: a shelter learns a placement only in its own shelter, whoever the representation names", async () => {
    const response = await shelters.execute<{
      _entities: Array<{ id: string; currentPlacement: { shelter: { id: string } } | null } | null>;
    }>(
      PERSONAS.shelter,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { id currentPlacement { shelter { id } } } } }`,
      { r: people.map((person) => ({ __typename: "Victim", id: person.id })) },
    );
    const placements = response.data!._entities.filter((entity) => entity?.currentPlacement);
    const placedHere = people.filter((person) => person.shelterId === ownShelter).map((person) => person.id);
    expect(placements.map((entity) => entity!.id).sort()).toEqual(placedHere.sort());
    expect(placements.every((entity) => entity!.currentPlacement!.shelter.id === ownShelter)).toBe(true);
  });
});

describe("a placement and its audit entry", () => {
  const PLACE = `mutation ($victimId: ID!, $shelterId: ID!) { placeVictim(victimId: $victimId, shelterId: $shelterId) { id shelter { id } } }`;
  const unplaced = people.find((person) => !person.shelterId && person.ownerOrg === PERSONAS.ngo.org)!;
  const freeShelter = DEMO_SHELTERS.find((shelter) => shelter.id !== ownShelter)!.id;

  it("the case owner places a person: a WRITE entry, ALLOWED, naming the person, and the READ of the answer", async () => {
    const response = await shelters.execute<{ placeVictim: { shelter: { id: string } } }>(PERSONAS.ngo, PLACE, {
      victimId: unplaced.id,
      shelterId: freeShelter,
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.placeVictim.shelter.id).toBe(freeShelter);
    expect(await shelters.auditEntries(response.requestId)).toEqual([
      expect.objectContaining({
        kind: "WRITE",
        action: "placeVictim",
        outcome: "ALLOWED",
        actorOrg: PERSONAS.ngo.org,
        victimIds: [unplaced.id],
      }),
      expect.objectContaining({
        kind: "READ",
        action: "placeVictim",
        outcome: "ALLOWED",
        victimIds: [unplaced.id],
        fields: ["Placement.shelter"],
      }),
    ]);
  });

  it("another NGO may not: NOT_FOUND (as if the person did not exist), recorded as DENIED", async () => {
    const other = people.find(
      (person) => !person.shelterId && person.ownerOrg === PERSONAS.ngo.org && person !== unplaced,
    )!;
    const response = await shelters.execute(PERSONAS.otherNgo, PLACE, { victimId: other.id, shelterId: freeShelter });
    expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
    expect(await shelters.auditEntries(response.requestId)).toEqual([
      expect.objectContaining({ kind: "WRITE", action: "placeVictim", outcome: "DENIED", victimIds: [other.id] }),
    ]);
  });
});
