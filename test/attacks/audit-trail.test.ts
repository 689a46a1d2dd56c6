/**
 * Attacks on the audit trail: a case owner reading the trail of its own case must not
 * learn the ids of other people read in the same request (an embassy's `nationals` list
 * names dozens of cases the owner may not see), whichever subgraph recorded the entry;
 * and malformed filters or cursors are the caller's error, never the server's.
 */
import { consent, register, REQUEST_VERIFICATION, seesCase } from "../support/cases";
import { asPersona, errorCodes, PERSONAS } from "../support/hub";

/** A case owner of its own: the demo NGOs' case counts stay as the record-rule tests expect. */
const OWNER = { role: "ngo", org: "ngo-attack-trail" } as const;

type Entry = {
  subgraph: string;
  action: string;
  actorOrg: string;
  victimIds: string[];
  withheldVictimIds: number | null;
};
const TRAIL = `query ($filter: AuditTrailFilterInput, $after: String) { auditTrail(first: 100, filter: $filter, after: $after) { edges { node { subgraph action actorOrg victimIds withheldVictimIds } } pageInfo { endCursor } } }`;
// Only fields that existed before withheldVictimIds, so that the bad-input attacks test the input alone.
const PLAIN_TRAIL = `query ($filter: AuditTrailFilterInput, $after: String) { auditTrail(first: 100, filter: $filter, after: $after) { edges { node { seq victimIds } } pageInfo { endCursor } } }`;
const NATIONALS = `{ nationals(first: 100) { edges { node { id legalName nationalityVerification { status } travelDocuments { status } } } } }`;

function cursorOf(position: unknown): string {
  return Buffer.from(JSON.stringify([JSON.stringify(position)]), "utf8").toString("base64url");
}

describe("the trail of one's own case shows only people one may see", () => {
  let caseId = "";
  let entries: Entry[] = [];

  beforeAll(async () => {
    caseId = (await register(OWNER, { nationality: "PH" })).id;
    await consent(OWNER, caseId, "CONSULAR_CONTACT", true);
    // A verification request, so that the embassies subgraph holds (and audits reads of) a record of this case too.
    expect((await asPersona(OWNER, REQUEST_VERIFICATION, { victimId: caseId })).errors).toBeUndefined();
    // The embassy lists its nationals, with fields of the embassies subgraph: entries in two subgraphs name them all.
    const listed = await asPersona<{ nationals: { edges: Array<{ node: { id: string } }> } }>(
      PERSONAS.embassyPH,
      NATIONALS,
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.nationals.edges.length).toBeGreaterThan(10);
    const trail = await asPersona<{ auditTrail: { edges: Array<{ node: Entry }> } }>(OWNER, TRAIL, {
      filter: { victimId: caseId },
    });
    expect(trail.errors).toBeUndefined();
    entries = trail.data!.auditTrail.edges.map((edge) => edge.node);
  });

  it("withholds the ids of the other nationals in the embassy's entries, in every subgraph", async () => {
    const embassyEntries = entries.filter((entry) => entry.actorOrg === "embassy-PH");
    expect(embassyEntries.map((entry) => entry.subgraph)).toEqual(expect.arrayContaining(["victims", "embassies"]));
    for (const entry of embassyEntries) {
      // Its own case, and others of its own (the demo gives lighthouse PH cases): those it may see.
      expect(entry.victimIds).toContain(caseId);
      // Others were named: counted (when 0 or at least 5), never identified.
      expect(entry.withheldVictimIds === null || entry.withheldVictimIds >= 5).toBe(true);
    }
    // The victims subgraph's entry of the list names dozens.
    expect(embassyEntries.find((entry) => entry.subgraph === "victims")!.withheldVictimIds).toBeGreaterThanOrEqual(5);
  });

  it("every id any entry shows is a case the reader may see", async () => {
    const shown = [...new Set(entries.flatMap((entry) => entry.victimIds))];
    for (const id of shown) expect(await seesCase(OWNER, id)).toBe(true);
  });

  it("government and the auditor still see every id", async () => {
    for (const persona of [PERSONAS.government, PERSONAS.auditor]) {
      const trail = await asPersona<{ auditTrail: { edges: Array<{ node: Entry }> } }>(persona, TRAIL, {
        filter: { victimId: caseId },
      });
      expect(trail.errors).toBeUndefined();
      const nodes = trail
        .data!.auditTrail.edges.map((edge) => edge.node)
        .filter((node) => node.actorOrg === "embassy-PH" && node.subgraph === "victims");
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        expect(node.victimIds.length).toBeGreaterThan(10);
        expect(node.withheldVictimIds).toBe(0);
      }
    }
  });

  it("withheldVictimIds is not for roles that may not read the trail", async () => {
    for (const persona of [PERSONAS.shelter, PERSONAS.embassyPH, PERSONAS.repatriation]) {
      const response = await asPersona(persona, `{ auditTrail(first: 1) { edges { node { withheldVictimIds } } } }`);
      expect(errorCodes(response)).toContain("UNAUTHORIZED_FIELD_OR_TYPE");
      expect(JSON.stringify(response.data ?? {})).not.toMatch(/withheldVictimIds":\d/);
    }
  });
});

describe("malformed filters and cursors are BAD_USER_INPUT, decided before anyone is asked", () => {
  const badInputs: Array<[string, Record<string, unknown>]> = [
    ["a cursor that is not one", { after: "not-a-cursor" }],
    [
      "a cursor that decodes to no JSON",
      { after: Buffer.from(JSON.stringify(["{oops"]), "utf8").toString("base64url") },
    ],
    [
      "a cursor holding a malformed timestamp",
      { after: cursorOf({ at: "yesterday at noon", subgraph: "victims", seq: "1" }) },
    ],
    [
      "a cursor holding an impossible date",
      { after: cursorOf({ at: "2026-02-30T00:00:00.000000Z", subgraph: "victims", seq: "1" }) },
    ],
    [
      "a cursor naming no subgraph",
      { after: cursorOf({ at: "2026-01-01T00:00:00.000000Z", subgraph: "x'; --", seq: "1" }) },
    ],
    [
      "a cursor with a sequence beyond bigint",
      { after: cursorOf({ at: "2026-01-01T00:00:00.000000Z", subgraph: "victims", seq: "99999999999999999999999" }) },
    ],
    ["a victimId that is not a case id", { filter: { victimId: "not-a-uuid" } }],
    ["a from that is not a date-time", { filter: { from: "last week" } }],
    ["a to on 30 February", { filter: { to: "2026-02-30T00:00:00Z" } }],
    ["a from out of range", { filter: { from: "2026-01-01T25:00:00Z" } }],
  ];

  for (const [name, variables] of badInputs) {
    it(`${name}`, async () => {
      for (const persona of [PERSONAS.auditor, PERSONAS.government]) {
        const response = await asPersona(persona, PLAIN_TRAIL, variables);
        expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
        expect(JSON.stringify(response.errors)).not.toMatch(/stack|SELECT|timestamptz|uuid\[\]|at .*\.js/i);
      }
    });
  }

  it("a case owner's malformed victimId is BAD_USER_INPUT too, not NOT_FOUND (it names no record)", async () => {
    const response = await asPersona(OWNER, PLAIN_TRAIL, { filter: { victimId: "not-a-uuid" } });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
  });

  it("an organisation id with capitals (an embassy's) is a valid filter, not bad input", async () => {
    const response = await asPersona(PERSONAS.auditor, PLAIN_TRAIL, { filter: { actorOrg: "embassy-PH" } });
    expect(response.errors).toBeUndefined();
  });

  it("a cursor the hub gave is still accepted", async () => {
    const first = await asPersona<{ auditTrail: { pageInfo: { endCursor: string | null } } }>(
      PERSONAS.auditor,
      PLAIN_TRAIL,
      {},
    );
    expect(first.errors).toBeUndefined();
    const next = await asPersona(PERSONAS.auditor, PLAIN_TRAIL, { after: first.data!.auditTrail.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
  });
});
