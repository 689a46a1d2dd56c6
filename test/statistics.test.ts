/**
 * Anonymised statistics. The suppression rule on hand-made tables; then, on the demo
 * data (where some nationalities have fewer than 5 people) served by subgraphs of their
 * own so that nothing changes between queries, an attacker's check: every grouping of
 * the six dimensions is asked, and no figure and no pair of groupings (a coarser one
 * minus the published cells of a finer one) reveals a group of 1 to 4. Through the
 * shared hub: open to every role including the auditor, one audit entry per query.
 */
import { suppressSmallCells } from "../platform/statistics/suppression";
import { asPersona, PERSONAS } from "./support/hub";
import { withStandaloneHub, type StandaloneHub } from "./support/standalone";
import { testPort } from "./support/state";

const DIMENSIONS = ["NATIONALITY", "NRM_STATUS", "GENDER", "AGE_BRACKET", "SHELTER", "REPATRIATION_STATUS"] as const;
type Dimension = (typeof DIMENSIONS)[number];
type Published = {
  groupBy: Dimension[];
  total: number | null;
  cells: Array<{ group: Array<{ dimension: Dimension; value: string }>; count: number | null; suppressed: boolean }>;
};
const STATISTICS = `query ($groupBy: [StatisticsDimension!]!) { caseStatistics(groupBy: $groupBy) { groupBy total cells { group { dimension value } count suppressed } } }`;

describe("the suppression rule", () => {
  it("suppresses 1-4 and adds complements until no line can be solved", () => {
    const published = suppressSmallCells([
      { key: ["PH"], count: 30 },
      { key: ["KE"], count: 12 },
      { key: ["KR"], count: 1 },
      { key: ["BR"], count: 7 },
    ]);
    // KR alone would be total minus the rest: the smallest other cell (BR) is hidden with it.
    expect(published.map((cell) => cell.count)).toEqual([30, 12, null, null]);
  });

  it("keeps hiding until the hidden cells of a line hold at least 5 people", () => {
    const published = suppressSmallCells([
      { key: ["A"], count: 1 },
      { key: ["B"], count: 2 },
      { key: ["C"], count: 6 },
      { key: ["D"], count: 40 },
    ]);
    expect(published.map((cell) => cell.suppressed)).toEqual([true, true, true, false]);
  });

  it("works along every dimension of a two-way table", () => {
    const published = suppressSmallCells([
      { key: ["PH", "F"], count: 20 },
      { key: ["PH", "M"], count: 3 },
      { key: ["KE", "F"], count: 9 },
      { key: ["KE", "M"], count: 8 },
    ]);
    // PH-M is small; its row and its column each need a second hidden cell, which then needs one too.
    expect(published.every((cell) => cell.suppressed)).toBe(true);
  });

  it("hides a zero rather than a count when a line only lacks a second hidden cell", () => {
    const published = suppressSmallCells([
      { key: ["SCREENING", "18-25"], count: 2 },
      { key: ["SCREENING", "26-35"], count: 0 },
      { key: ["IDENTIFIED", "18-25"], count: 26 },
      { key: ["IDENTIFIED", "26-35"], count: 28 },
    ]);
    // The 2 needs company with 5+ people in its column (the 26); then the 26's row needs a
    // second hidden cell (the 28), whose column needs one too: the zero, not a count.
    expect(published.map((cell) => cell.suppressed)).toEqual([true, true, true, true]);
    expect(published.map((cell) => cell.count)).toEqual([null, null, null, null]);
  });
});

/** Cells of `fine` that fall within one cell of `coarse`, `coarse` being `fine` without some dimensions. */
function attack(coarse: Published, fine: Published): string[] {
  const findings: string[] = [];
  const valueIn = (cell: Published["cells"][number], dimension: Dimension) =>
    cell.group.find((value) => value.dimension === dimension)!.value;
  const coarseCells =
    coarse.groupBy.length === 0
      ? [{ group: [], count: coarse.total, suppressed: coarse.total === null }]
      : coarse.cells;
  for (const outer of coarseCells) {
    if (outer.count === null) continue;
    const inner = fine.cells.filter((cell) =>
      coarse.groupBy.every(
        (dimension) => valueIn(cell, dimension) === valueIn(outer as Published["cells"][number], dimension),
      ),
    );
    const hidden = inner.filter((cell) => cell.suppressed);
    if (hidden.length === 0) continue;
    const residual = outer.count - inner.filter((cell) => !cell.suppressed).reduce((sum, cell) => sum + cell.count!, 0);
    if (hidden.length === 1)
      findings.push(`[${coarse.groupBy}] − [${fine.groupBy}] reveals one hidden cell (${residual})`);
    else if (residual > 0 && residual < 5)
      findings.push(
        `[${coarse.groupBy}] − [${fine.groupBy}] reveals ${hidden.length} hidden cells holding ${residual}`,
      );
  }
  return findings;
}

describe("over the demo data: no figure and no pair of groupings reveals a group of 1 to 4", () => {
  it("asks every grouping of the six dimensions and attacks every coarser/finer pair", async () => {
    await withStandaloneHub(
      { basePort: testPort(21), subgraphs: ["victims", "shelters", "repatriation"] },
      async (hub: StandaloneHub) => {
        const groupings = Array.from({ length: 2 ** DIMENSIONS.length }, (_, mask) =>
          DIMENSIONS.filter((_, index) => mask & (1 << index)),
        );
        const published = new Map<string, Published>();
        for (const groupBy of groupings) {
          // The auditor sees no records: for it the rule is plain k ≥ 5 (government, seeing all, gets exact tables).
          const response = await hub.ask<{ caseStatistics: Published }>("victims", PERSONAS.auditor, STATISTICS, {
            groupBy,
          });
          expect(response.errors).toBeUndefined();
          published.set(groupBy.join(), response.data!.caseStatistics);
        }
        // The demo data has small nationalities; they must be hidden, never shown.
        const byNationality = published.get("NATIONALITY")!;
        expect(byNationality.cells.filter((cell) => cell.group[0].value === "KR")).toEqual([
          { group: [{ dimension: "NATIONALITY", value: "KR" }], count: null, suppressed: true },
        ]);
        expect(byNationality.total).toBe(260);
        const findings: string[] = [];
        for (const stats of published.values()) {
          findings.push(
            ...stats.cells
              .filter((cell) => cell.count !== null && cell.count > 0 && cell.count < 5)
              .map((cell) => `[${stats.groupBy}] publishes ${cell.count}`),
          );
        }
        let pairs = 0;
        for (const fine of groupings) {
          for (const coarse of groupings) {
            if (coarse.length >= fine.length || !coarse.every((dimension) => fine.includes(dimension))) continue;
            pairs += 1;
            findings.push(...attack(published.get(coarse.join())!, published.get(fine.join())!));
          }
        }
        expect(pairs).toBe(3 ** DIMENSIONS.length - 2 ** DIMENSIONS.length);
        expect(findings).toEqual([]);
      },
    );
  });
});

describe("through the hub", () => {
  it("is open to every role, the auditor included, and each query is one audit entry", async () => {
    for (const persona of Object.values(PERSONAS)) {
      const response = await asPersona<{ caseStatistics: Published }>(persona, STATISTICS, { groupBy: ["NRM_STATUS"] });
      expect(response.errors).toBeUndefined();
      expect(response.data!.caseStatistics.cells.length).toBeGreaterThan(0);
    }
    const trail = await asPersona<{
      auditTrail: {
        edges: Array<{
          node: { kind: string; action: string; actorOrg: string; victimIds: string[]; fields: string[] };
        }>;
      };
    }>(
      PERSONAS.auditor,
      '{ auditTrail(first: 100, filter: { operation: "caseStatistics", actorOrg: "oversight-board" }) { edges { node { kind action actorOrg victimIds fields } } } }',
    );
    expect(trail.data!.auditTrail.edges[0].node).toEqual({
      kind: "STATISTICS",
      action: "caseStatistics",
      actorOrg: "oversight-board",
      victimIds: [],
      fields: ["NRM_STATUS"],
    });
  });

  it("refuses a dimension asked twice", async () => {
    const response = await asPersona(PERSONAS.auditor, STATISTICS, { groupBy: ["GENDER", "GENDER"] });
    expect(response.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("gives medians of rescue → identification and identification → departure, and shelter beds by region", async () => {
    const durations = await asPersona<{
      caseDurations: Array<{ measure: string; people: number | null; medianDays: number | null; suppressed: boolean }>;
    }>(PERSONAS.auditor, "{ caseDurations { measure people medianDays suppressed } }");
    expect(durations.errors).toBeUndefined();
    expect(durations.data!.caseDurations.map((duration) => duration.measure)).toEqual([
      "rescue to identification",
      "identification to departure",
    ]);
    // For the auditor a measure may be suppressed: its population must not be subtractable from a caseStatistics
    // cell (on the bare demo data, 258 identified of 260 would reveal the 2 in screening). Suppressed means no figure at all.
    for (const duration of durations.data!.caseDurations) {
      if (duration.suppressed) expect(duration).toMatchObject({ people: null, medianDays: null });
      else {
        expect(duration.people).toBeGreaterThanOrEqual(5);
        expect(duration.medianDays).toBeGreaterThan(0);
      }
    }
    // Government sees every case: nothing is hidden from it.
    const exact = await asPersona<{
      caseDurations: Array<{ people: number | null; medianDays: number | null; suppressed: boolean }>;
    }>(PERSONAS.government, "{ caseDurations { people medianDays suppressed } }");
    for (const duration of exact.data!.caseDurations) {
      expect(duration.suppressed).toBe(false);
      expect(duration.people).toBeGreaterThanOrEqual(5);
      expect(duration.medianDays).toBeGreaterThan(0);
    }
    const occupancy = await asPersona<{
      shelterOccupancy: Array<{ region: string; capacity: number; occupiedBeds: number; freeBeds: number }>;
    }>(PERSONAS.auditor, "{ shelterOccupancy { region shelters capacity occupiedBeds freeBeds } }");
    const tak = occupancy.data!.shelterOccupancy.find((region) => region.region === "Tak")!;
    expect(tak.capacity).toBeGreaterThanOrEqual(225);
    expect(tak.occupiedBeds + tak.freeBeds).toBeLessThanOrEqual(tak.capacity);
  });
});
