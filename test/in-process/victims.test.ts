/**
 * The victims subgraph in process (harness.ts): field rules per role for its types and
 * `_entities`, the record rule per role against the demo release, and a case update with
 * its audit entry. The oversight roots (audit trail, chain check, statistics) ask every
 * other subgraph: they stay end to end (test/audit.test.ts, test/statistics.test.ts).
 */
import { ERASURE_FIELDS_EMPTY_IN_DEMO } from "../support/erasure";
import type { Role } from "../../platform/auth/claims";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { generateRelease, type DemoPerson } from "../../demo/release";
import { victimsPolicy } from "../../subgraphs/victims/policy";
import { describeFieldRules } from "./field-rules";
import { errorCodes, PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

let victims: InProcessSubgraph;
beforeAll(async () => {
  victims = await startInProcessSubgraph("victims", { demoData: true });
}, START_TIMEOUT_MS);
afterAll(() => victims?.stop(), START_TIMEOUT_MS);

const people = generateRelease();

/** DESIGN.md's record rule, written out against the demo release (whose referrals go to shelters and the agency). */
const VISIBLE: Record<Exclude<Role, "auditor">, (person: DemoPerson, persona: DevTokenRequest) => boolean> = {
  government: () => true,
  ngo: (person, persona) => person.ownerOrg === persona.org,
  shelter: (person, persona) => person.shelterId === persona.shelter,
  embassy: (person, persona) => person.nationality === persona.country && person.consents.consularContact,
  repatriation: (person) => person.repatriation !== null || person.consents.repatriation,
};

function visibleTo(persona: DevTokenRequest): DemoPerson[] {
  return persona.role === "auditor"
    ? []
    : people.filter((person) => VISIBLE[persona.role as Exclude<Role, "auditor">](person, persona));
}

const OVERSIGHT_ROOTS = new Set(["auditTrail", "verifyAuditChain", "caseStatistics", "caseDurations"]);
/** Asks every other subgraph, which this tier does not run: end to end in test/subject-export.test.ts and the matrix. */
const HUB_WIDE_ROOTS = new Set(["exportSubjectData"]);

describeFieldRules(() => victims, {
  policy: victimsPolicy,
  rootArguments(root, persona) {
    if (OVERSIGHT_ROOTS.has(root) || HUB_WIDE_ROOTS.has(root)) return null;
    switch (root) {
      case "victim":
        return `id: "${(visibleTo(persona)[0] ?? people[0]).id}"`;
      case "victims":
        return "first: 25";
      case "nationals":
        return `first: 20, country: "${persona.country ?? "PH"}"`;
      default:
        return undefined;
    }
  },
  endToEndOnlyTypes: [
    "CaseStatistics",
    "StatisticsCell",
    "GroupValue",
    "DurationStatistic",
    "AuditEntry",
    "AuditEntryConnection",
    "AuditEntryEdge",
    "AuditChainReport",
  ],
  // The demo release has no duplicate registrations (test/workflows-victims.test.ts makes one).
  // Demo consents name no recorder's role; one recorded through recordConsent does (test/attacks/exposure.test.ts).
  // The demo release erases no case and holds none (test/workflows-erasure.test.ts reads all of these with values).
  mayBeEmpty: ["Victim.possibleDuplicateOf", "Consent.recordedByRole", ...ERASURE_FIELDS_EMPTY_IN_DEMO],
});

describe("record rules: each role lists exactly the people DESIGN.md lets it see", () => {
  const personas = Object.entries(PERSONAS).filter(([, persona]) => persona.role !== "auditor");
  it.each(personas)("%s", async (_name, persona) => {
    const expected = visibleTo(persona).map((person) => person.id);
    expect(expected.length).toBeGreaterThan(0);
    const seen: string[] = [];
    let after: string | null = null;
    let totalCount: number | undefined;
    do {
      const response: Awaited<ReturnType<typeof page>> = await page(persona, after);
      expect(response.errors).toBeUndefined();
      const victimsPage = response.data!.victims;
      totalCount = victimsPage.totalCount;
      seen.push(...victimsPage.edges.map((edge) => edge.node.id));
      after = victimsPage.pageInfo.hasNextPage ? victimsPage.pageInfo.endCursor : null;
    } while (after);
    expect(totalCount).toBe(expected.length);
    expect(seen.sort()).toEqual(expected.sort());
  });

  function page(persona: DevTokenRequest, after: string | null) {
    return victims.execute<{
      victims: {
        totalCount: number;
        edges: Array<{ node: { id: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    }>(
      persona,
      "query ($after: String) { victims(first: 100, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }",
      { after },
    );
  }

  it("a person the caller may not see answers as a missing one: the same NOT_FOUND", async () => {
    const hidden = people.find((person) => !VISIBLE.embassy(person, PERSONAS.embassyPH))!;
    const QUERY = "query ($id: ID!) { victim(id: $id) { caseNumber } }";
    const ofHidden = await victims.execute(PERSONAS.embassyPH, QUERY, { id: hidden.id });
    const ofMissing = await victims.execute(PERSONAS.embassyPH, QUERY, { id: "00000000-0000-4000-8000-000000000000" });
    expect(errorCodes(ofHidden)).toEqual(["NOT_FOUND"]);
    expect(ofHidden.errors![0].message).toBe(ofMissing.errors![0].message);
    expect(errorCodes(ofMissing)).toEqual(["NOT_FOUND"]);
  });
});

describe("a case update and its audit entry", () => {
  const owned = people.find((person) => person.ownerOrg === PERSONAS.ngo.org)!;
  const UPDATE =
    'mutation ($id: ID!, $version: Int!) { updateVictim(id: $id, version: $version, changes: { medicalNeeds: "secret-value-9921" }) { version } }';

  it("the owner updates it: one WRITE entry naming the person and the field, never the value", async () => {
    const before = await victims.execute<{ victim: { version: number } }>(
      PERSONAS.ngo,
      "query ($id: ID!) { victim(id: $id) { version } }",
      { id: owned.id },
    );
    const response = await victims.execute<{ updateVictim: { version: number } }>(PERSONAS.ngo, UPDATE, {
      id: owned.id,
      version: before.data!.victim.version,
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.updateVictim.version).toBe(before.data!.victim.version + 1);
    const entries = await victims.auditEntries(response.requestId);
    expect(entries).toEqual([
      expect.objectContaining({
        kind: "WRITE",
        action: "updateVictim",
        outcome: "ALLOWED",
        actorOrg: PERSONAS.ngo.org,
        victimIds: [owned.id],
        fields: ["medicalNeeds"],
      }),
    ]);
    expect(JSON.stringify(entries)).not.toContain("secret-value-9921");
  });

  it("another NGO may not: NOT_FOUND, recorded as DENIED", async () => {
    const response = await victims.execute(PERSONAS.otherNgo, UPDATE, { id: owned.id, version: 1 });
    expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
    expect(await victims.auditEntries(response.requestId)).toEqual([
      expect.objectContaining({ kind: "WRITE", action: "updateVictim", outcome: "DENIED", victimIds: [owned.id] }),
    ]);
  });
});
