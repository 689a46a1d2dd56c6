/**
 * Attack: learn a fact through something derived from it. An embassy reads repatriation
 * cases of nationals who did not (or no longer) consent to consular contact — status,
 * history, legs, counts — and the escort flag that re-exposes `Victim.requiresMedicalEscort`,
 * a field no embassy may read. The destination embassy sees a case only while it may see
 * the person; a derived field carries its source's rule (policy `derivedFrom`).
 */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { HUB_POLICIES } from "../../subgraphs/modules";
import { consent, register } from "../support/cases";
import { hiddenWorld, REQUEST_REPATRIATION, type HiddenWorld } from "../support/attack-world";
import { asPersona, asPersonaAt, errorCodes, PERSONAS } from "../support/hub";
import { ruleOf } from "../support/policy-matrix";

const CASES = `query { repatriationCases(first: 100, filter: { destinationCountry: "PH" }) { totalCount edges { node { id status history { byOrg byRole } journeyLegs { id } } } } }`;
type Cases = { repatriationCases: { totalCount: number; edges: Array<{ node: { id: string } }> } };

let world: HiddenWorld;
let consentedCase: string;

beforeAll(async () => {
  world = await hiddenWorld();
  // A PH national who does consent to consular contact and needs a medical escort.
  const victim = await register(world.owner, { nationality: "PH", requiresMedicalEscort: true });
  await consent(world.owner, victim.id, "CONSULAR_CONTACT", true);
  await consent(world.owner, victim.id, "REPATRIATION", true);
  const opened = await asPersona<{ requestRepatriation: { id: string } }>(world.owner, REQUEST_REPATRIATION, {
    victimId: victim.id,
    request: { receivingOrganisation: "Reception centre (fictional)" },
  });
  expect(opened.errors).toBeUndefined();
  consentedCase = opened.data!.requestRepatriation.id;
}, 120_000);

const embassy: DevTokenRequest = PERSONAS.embassyPH;

describe("the destination embassy sees a repatriation case only while it may see the person", () => {
  it.each([
    ["via gateway", () => asPersona<Cases>(embassy, CASES)],
    ["at the repatriation subgraph", () => asPersonaAt<Cases>("repatriation", embassy, CASES)],
  ])(
    "repatriationCases %s: the case of a national who withdrew consent is left out, and not counted",
    async (_where, send) => {
      const answer = await send();
      expect(answer.errors).toBeUndefined();
      const ids = answer.data!.repatriationCases.edges.map((edge) => edge.node.id);
      expect(ids).not.toContain(world.repatriationCase);
      expect(ids).toContain(consentedCase);
      // Counts follow the rule too: what the list says it holds is what it shows (all on one page here).
      expect(answer.data!.repatriationCases.totalCount).toBe(ids.length);
    },
  );

  it("the government and the agency still see that case", async () => {
    for (const persona of [PERSONAS.government, PERSONAS.repatriation]) {
      const ids = (await asPersona<Cases>(persona, CASES)).data!.repatriationCases.edges.map((edge) => edge.node.id);
      expect(ids).toContain(world.repatriationCase);
    }
  });

  it("_entities at the repatriation subgraph answers no case the caller may not see (only the id is taken from a representation)", async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on RepatriationCase { id status history { byOrg } journeyLegs { id } } } }`;
    const representations = [{ __typename: "RepatriationCase", id: world.repatriationCase, status: "REQUESTED" }];
    for (const persona of [embassy, PERSONAS.embassyKE, PERSONAS.ngo]) {
      const answer = await asPersonaAt<{ _entities: Array<unknown> }>("repatriation", persona, query, {
        representations,
      });
      expect({ persona: persona.org, entities: answer.data?._entities ?? null }).toEqual({
        persona: persona.org,
        entities: [null],
      });
    }
    const owner = await asPersonaAt<{ _entities: Array<{ id: string } | null> }>("repatriation", world.owner, query, {
      representations,
    });
    expect(owner.data!._entities[0]?.id).toBe(world.repatriationCase);
  });
});

describe("a derived field carries the rule of the field it is derived from", () => {
  it("RepatriationCase.escortRequired: an embassy never reads it (Victim.requiresMedicalEscort is closed to embassies)", async () => {
    const query = `query { repatriationCases(first: 100, filter: { destinationCountry: "PH" }) { edges { node { id escortRequired } } } }`;
    for (const send of [
      () =>
        asPersona<{ repatriationCases: { edges: Array<{ node: { id: string; escortRequired: boolean | null } }> } }>(
          embassy,
          query,
        ),
      () =>
        asPersonaAt<{ repatriationCases: { edges: Array<{ node: { id: string; escortRequired: boolean | null } }> } }>(
          "repatriation",
          embassy,
          query,
        ),
    ]) {
      const answer = await send();
      const mine = answer.data?.repatriationCases?.edges.find((edge) => edge.node?.id === consentedCase)?.node;
      expect(mine?.escortRequired ?? null).toBeNull();
      expect(errorCodes(answer)).toContain("UNAUTHORIZED_FIELD_OR_TYPE");
    }
    // Who may read the source reads the derived field.
    const agency = await asPersona<{
      repatriationCases: { edges: Array<{ node: { id: string; escortRequired: boolean | null } }> };
    }>(PERSONAS.repatriation, query);
    expect(
      agency.data!.repatriationCases.edges.find((edge) => edge.node.id === consentedCase)?.node.escortRequired,
    ).toBe(true);
  });

  it("the policy declares escortRequired as derived from Victim.requiresMedicalEscort", () => {
    expect(ruleOf("RepatriationCase", "escortRequired")?.derivedFrom).toBe("Victim.requiresMedicalEscort");
  });

  it("every policy entry with derivedFrom has exactly its source's roles and conditions", () => {
    const derived = HUB_POLICIES.flatMap(({ subgraph, policy }) =>
      Object.entries(policy).flatMap(([typeName, typePolicy]) =>
        Object.entries(typePolicy.fields)
          .filter(([, rule]) => rule.derivedFrom)
          .map(([fieldName, rule]) => ({ field: `${subgraph}: ${typeName}.${fieldName}`, rule })),
      ),
    );
    expect(derived.length).toBeGreaterThan(0);
    for (const { field, rule } of derived) {
      const [sourceType, sourceField] = rule.derivedFrom!.split(".");
      const source = ruleOf(sourceType, sourceField);
      expect({ field, source: rule.derivedFrom, exists: Boolean(source) }).toEqual({
        field,
        source: rule.derivedFrom,
        exists: true,
      });
      // The very condition objects (name, words and check), role by role.
      expect({ field, roles: [...rule.roles].sort(), conditions: rule.conditions ?? {} }).toEqual({
        field,
        roles: [...source!.roles].sort(),
        conditions: source!.conditions ?? {},
      });
      for (const role of Object.keys(source!.conditions ?? {}) as Array<keyof NonNullable<typeof rule.conditions>>)
        expect(rule.conditions?.[role]).toBe(source!.conditions![role]);
    }
  });
});
