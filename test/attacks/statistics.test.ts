/**
 * Attacks on the statistics: a partner inserts records of its own to unlock a suppressed
 * cell, then subtracts them; and differencing between a one-way and a two-way table.
 * Each attack uses a nationality no other test file registers, so its rows hold only the
 * people registered here (other files add people to the shared hub meanwhile).
 */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { consent, registerMany } from "../support/cases";
import { asPersona, PERSONAS } from "../support/hub";

type Cell = { group: Array<{ dimension: string; value: string }>; count: number | null; suppressed: boolean };
type Table = { groupBy: string[]; total: number | null; cells: Cell[] };
const STATISTICS = `query ($groupBy: [StatisticsDimension!]!) { caseStatistics(groupBy: $groupBy) { groupBy total cells { group { dimension value } count suppressed } } }`;

async function table(persona: DevTokenRequest, groupBy: string[]): Promise<Table> {
  const response = await asPersona<{ caseStatistics: Table }>(persona, STATISTICS, { groupBy });
  expect(response.errors).toBeUndefined();
  return response.data!.caseStatistics;
}

const valueIn = (cell: Cell, dimension: string) => cell.group.find((value) => value.dimension === dimension)?.value;
const rowOf = (stats: Table, nationality: string) =>
  stats.cells.filter((cell) => valueIn(cell, "NATIONALITY") === nationality);

describe("inserting records to unlock a suppressed cell", () => {
  // Tuvalu: nobody else in the suite registers Tuvaluans.
  const NATIONALITY = "TV";
  const attacker = { role: "ngo", org: "ngo-13c-inserter" } as const;
  const victimsOwner = { role: "ngo", org: "ngo-13c-tv-owner" } as const;
  // What the attacker's five fictitious people are, in every dimension.
  const OWN: Record<string, string> = {
    NATIONALITY,
    GENDER: "FEMALE",
    AGE_BRACKET: "AGE_18_25",
    NRM_STATUS: "SCREENING",
    SHELTER: "NONE",
    REPATRIATION_STATUS: "NONE",
  };

  beforeAll(async () => {
    await registerMany(victimsOwner, 2, { nationality: NATIONALITY }); // the two people the attacker must not learn of
    await registerMany(attacker, 5, { nationality: NATIONALITY });
  });

  it("never publishes a cell whose part the caller cannot see is 1 to 4, whatever it added", async () => {
    const findings: string[] = [];
    for (const other of ["GENDER", "AGE_BRACKET", "NRM_STATUS", "SHELTER", "REPATRIATION_STATUS"]) {
      for (const groupBy of [["NATIONALITY"], ["NATIONALITY", other], [other, "NATIONALITY"]]) {
        const stats = await table(attacker, groupBy);
        for (const cell of rowOf(stats, NATIONALITY)) {
          if (cell.count === null) continue;
          const own = cell.group.every((value) => OWN[value.dimension] === value.value) ? 5 : 0;
          const unseen = cell.count - own;
          if (unseen > 0 && unseen < 5)
            findings.push(
              `[${groupBy}] ${JSON.stringify(cell.group)} = ${cell.count}: ${unseen} people beyond the caller's own`,
            );
        }
      }
    }
    expect(findings).toEqual([]);
  });

  it("the one-way figure minus the published cells of a two-way row reveals no small group", async () => {
    const oneWay = rowOf(await table(attacker, ["NATIONALITY"]), NATIONALITY)[0];
    const findings: string[] = [];
    for (const other of ["GENDER", "AGE_BRACKET", "NRM_STATUS", "SHELTER", "REPATRIATION_STATUS"]) {
      const row = rowOf(await table(attacker, ["NATIONALITY", other]), NATIONALITY);
      const hidden = row.filter((cell) => cell.suppressed);
      if (oneWay.count === null || hidden.length === 0) continue;
      const ownHidden = hidden.some((cell) => valueIn(cell, other) === OWN[other]) ? 5 : 0;
      const residual =
        oneWay.count - row.filter((cell) => !cell.suppressed).reduce((sum, cell) => sum + cell.count!, 0) - ownHidden;
      if (residual > 0 && residual < 5) findings.push(`[NATIONALITY] − [NATIONALITY,${other}] reveals ${residual}`);
    }
    expect(findings).toEqual([]);
  });

  it("is published, as it is, to callers who know none of it (7 ≥ 5: plain k ≥ 5)", async () => {
    for (const persona of [PERSONAS.auditor, PERSONAS.embassyKE]) {
      const cell = rowOf(await table(persona, ["NATIONALITY"]), NATIONALITY)[0];
      expect(cell).toEqual({ group: [{ dimension: "NATIONALITY", value: NATIONALITY }], count: 7, suppressed: false });
    }
  });
});

describe("what the caller sees itself is published to it, and only that", () => {
  // Nauru: nobody else in the suite registers Nauruans.
  const NATIONALITY = "NR";
  const owner = { role: "ngo", org: "ngo-13c-nr-owner" } as const;
  const embassy = { role: "embassy", org: "embassy-NR", country: NATIONALITY } as const;
  let ids: string[] = [];

  beforeAll(async () => {
    ids = await registerMany(owner, 3, { nationality: NATIONALITY });
    for (const id of ids) await consent(owner, id, "CONSULAR_CONTACT", true);
  });

  it("publishes a small group to callers who see every person in it, and to no one else", async () => {
    for (const persona of [PERSONAS.government, owner, embassy]) {
      expect(rowOf(await table(persona, ["NATIONALITY"]), NATIONALITY)).toEqual([
        { group: [{ dimension: "NATIONALITY", value: NATIONALITY }], count: 3, suppressed: false },
      ]);
    }
    for (const persona of [PERSONAS.auditor, PERSONAS.ngo, PERSONAS.embassyPH]) {
      expect(rowOf(await table(persona, ["NATIONALITY"]), NATIONALITY)).toEqual([
        { group: [{ dimension: "NATIONALITY", value: NATIONALITY }], count: null, suppressed: true },
      ]);
    }
  });

  it("an embassy that sees its nationals but may not read nrmStatus gets no NRM figure of them", async () => {
    // It may read gender: its three nationals, all of whom it sees, are published to it.
    expect(rowOf(await table(embassy, ["NATIONALITY", "GENDER"]), NATIONALITY).map((cell) => cell.count)).toEqual([3]);
    // It may not read nrmStatus (policy): for this table they count as unseen, so the rule is plain k ≥ 5.
    const byStatus = rowOf(await table(embassy, ["NATIONALITY", "NRM_STATUS"]), NATIONALITY);
    expect(byStatus.length).toBeGreaterThan(0);
    expect(byStatus.every((cell) => cell.suppressed && cell.count === null)).toBe(true);
    // The case owner may read it: its own three are published to it.
    expect(rowOf(await table(owner, ["NATIONALITY", "NRM_STATUS"]), NATIONALITY)).toEqual([
      {
        group: [
          { dimension: "NATIONALITY", value: NATIONALITY },
          { dimension: "NRM_STATUS", value: "SCREENING" },
        ],
        count: 3,
        suppressed: false,
      },
    ]);
  });
});
