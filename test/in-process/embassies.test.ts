/**
 * The embassies subgraph in process (harness.ts), with the victims subgraph started for
 * real beside it: field rules per role, `_entities`, the record rule (an embassy sees only
 * its own nationals who consented to consular contact) and a verification request with its
 * audit entry.
 */
import { generateRelease } from "../../demo/release";
import { embassiesPolicy } from "../../subgraphs/embassies/policy";
import { describeFieldRules } from "./field-rules";
import { errorCodes, PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

let embassies: InProcessSubgraph;
beforeAll(async () => {
  embassies = await startInProcessSubgraph("embassies", { demoData: true });
}, START_TIMEOUT_MS);
afterAll(() => embassies?.stop(), START_TIMEOUT_MS);

const people = generateRelease();

describeFieldRules(() => embassies, {
  policy: embassiesPolicy,
  rootArguments: (root) => (root === "embassies" ? "first: 25" : undefined),
});

describe("record rules", () => {
  it("`_entities`: an embassy learns verifications of its own nationals who consented, whoever the representation names", async () => {
    const response = await embassies.execute<{
      _entities: Array<{ id: string; nationalityVerification: { status: string } | null } | null>;
    }>(
      PERSONAS.embassyPH,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { id nationalityVerification { status } } } }`,
      { r: people.map((person) => ({ __typename: "Victim", id: person.id })) },
    );
    expect(response.errors).toBeUndefined();
    const expected = people
      .filter((person) => person.nationality === "PH" && person.consents.consularContact && person.verification)
      .map((person) => person.id);
    expect(expected.length).toBeGreaterThan(0);
    // Verified people of other countries, or without consent, exist: the rule has something to leave out.
    expect(people.filter((person) => person.verification).length).toBeGreaterThan(expected.length);
    const answered = response.data!._entities.filter((entity) => entity?.nationalityVerification);
    expect(answered.map((entity) => entity!.id).sort()).toEqual(expected.sort());
  });

  it("a withdrawn consular-contact consent hides the person from the embassy on the very next request", async () => {
    const QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { id nationalityVerification { status } } } }`;
    // A Philippine national with a verification the embassy can see now, whose case ngo-lighthouse owns.
    const person = people.find(
      (candidate) =>
        candidate.nationality === "PH" &&
        candidate.consents.consularContact &&
        candidate.verification &&
        candidate.ownerOrg === PERSONAS.ngo.org,
    )!;
    const representations = { r: [{ __typename: "Victim", id: person.id }] };
    type Answer = { _entities: Array<{ nationalityVerification: { status: string } | null } | null> };
    const before = await embassies.execute<Answer>(PERSONAS.embassyPH, QUERY, representations);
    expect(before.data!._entities[0]?.nationalityVerification).not.toBeNull();
    const withdrawn = await embassies.executeAtPeer(
      "victims",
      PERSONAS.ngo,
      "mutation ($id: ID!) { recordConsent(victimId: $id, consent: { kind: CONSULAR_CONTACT, granted: false }) { granted } }",
      { id: person.id },
    );
    expect(withdrawn.errors).toBeUndefined();
    const after = await embassies.execute<Answer>(PERSONAS.embassyPH, QUERY, representations);
    expect(after.data!._entities[0]?.nationalityVerification ?? null).toBeNull();
    // The case owner still sees it: only the embassy's view changed.
    const owner = await embassies.execute<Answer>(PERSONAS.ngo, QUERY, representations);
    expect(owner.data!._entities[0]?.nationalityVerification).not.toBeNull();
  });
});

describe("a verification request and its audit entry", () => {
  const REQUEST = "mutation ($id: ID!) { requestNationalityVerification(victimId: $id) { id status } }";
  const unverified = people.filter(
    (person) => !person.verification && person.ownerOrg === PERSONAS.ngo.org && person.consents.consularContact,
  );

  it("the case owner asks: one WRITE entry, ALLOWED, naming the person", async () => {
    const response = await embassies.execute<{ requestNationalityVerification: { status: string } }>(
      PERSONAS.ngo,
      REQUEST,
      { id: unverified[0].id },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.requestNationalityVerification.status).toBe("REQUESTED");
    expect(await embassies.auditEntries(response.requestId)).toContainEqual(
      expect.objectContaining({
        kind: "WRITE",
        action: "requestNationalityVerification",
        outcome: "ALLOWED",
        actorOrg: PERSONAS.ngo.org,
        victimIds: [unverified[0].id],
      }),
    );
  });

  it("another NGO may not: NOT_FOUND, recorded as DENIED", async () => {
    const response = await embassies.execute(PERSONAS.otherNgo, REQUEST, { id: unverified[1].id });
    expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
    expect(await embassies.auditEntries(response.requestId)).toEqual([
      expect.objectContaining({
        kind: "WRITE",
        action: "requestNationalityVerification",
        outcome: "DENIED",
        victimIds: [unverified[1].id],
      }),
    ]);
  });
});
