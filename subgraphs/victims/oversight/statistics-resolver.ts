/**
 * Oversight (README.md in this folder): fenced from case code, which it reaches only through
 * ../entities/victim, ../record-rules and ../../policies.
 *
 * Anonymised statistics, open to every authenticated role including the auditor. They
 * read only aggregates (person-level facts of other subgraphs stay inside this process),
 * every published count passes small-cell suppression relative to the caller (what it
 * cannot see must be 0 or at least 5 people, see docs/security-statistics.md), and each
 * query is audited as one STATISTICS entry.
 */
import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { Caller } from "../../../platform/auth/claims";
import type { SubgraphContext } from "../../../platform/context";
import { auditStatistics } from "../../../platform/audit/audit-log";
import { ErrorCode, hubError } from "../../../platform/errors";
import { currentStays, latestJourneys, type JourneyFact, type Journeys, type Stays } from "./statistics-facts";
import {
  publishable,
  SMALLEST_PUBLISHED_GROUP,
  suppressSmallCells,
  type Cell,
  type PublishedCell,
} from "../../../platform/statistics/suppression";
import { mayRead } from "../../../platform/policy/types";
import { HUB_POLICIES } from "../../modules";
import { Victim } from "../entities/victim";
import { visibilityCondition } from "../record-rules";
import { CaseStatistics, DurationStatistic, StatisticsDimension as D } from "./types/statistics";

const NONE = "NONE";
export const SUPPRESSION_RULE = `A count is published only when the people in it you cannot see (or whose grouped fields you may not read) number 0 or at least ${SMALLEST_PUBLISHED_GROUP}, so your own records never unlock a cell; in every line of the table (cells differing in one dimension) further cells are hidden until no coarser figure, minus the published cells and what you know, reveals a group of 1 to ${SMALLEST_PUBLISHED_GROUP - 1}.`;

/** The fields (type, field, as in the hub's policy) a caller reads to learn a person's value in each dimension. */
type FieldPath = ReadonlyArray<readonly [string, string]>;
const DIMENSION_FIELDS: Record<D, FieldPath> = {
  [D.NATIONALITY]: [["Victim", "nationality"]],
  [D.NRM_STATUS]: [["Victim", "nrmStatus"]],
  [D.GENDER]: [["Victim", "gender"]],
  [D.AGE_BRACKET]: [["Victim", "ageBracket"]],
  [D.SHELTER]: [
    ["Victim", "currentPlacement"],
    ["Placement", "shelter"],
  ],
  [D.REPATRIATION_STATUS]: [
    ["Victim", "repatriation"],
    ["RepatriationCase", "status"],
  ],
};
const RESCUE_TO_IDENTIFICATION: FieldPath = [
  ["Victim", "nrmStatus"],
  ["Victim", "rescuedAt"],
  ["Victim", "identifiedAt"],
];
const IDENTIFICATION_TO_DEPARTURE: FieldPath = [
  ...DIMENSION_FIELDS[D.NRM_STATUS],
  ["Victim", "identifiedAt"],
  ...DIMENSION_FIELDS[D.REPATRIATION_STATUS],
  ["RepatriationCase", "history"],
  ["RepatriationTransition", "at"],
];

/**
 * Whether the role reads every field of the path without a condition, under the hub's
 * policy (closed by default: a field no policy declares is not read). A field open only
 * under a condition ("its own shelter only") is not surely read: the records stay unknown.
 */
export function readsSurely(role: Caller["role"], path: FieldPath): boolean {
  return path.every(([type, field]) => {
    const declaring = HUB_POLICIES.filter(({ policy }) => policy[type]?.fields[field]);
    return (
      declaring.length > 0 &&
      declaring.every(
        ({ policy }) => mayRead(policy, type, field, role) && !policy[type].fields[field].conditions?.[role],
      )
    );
  });
}

interface PersonRow {
  id: string;
  nationality: string;
  nrm_status: string;
  gender: string;
  age_bracket: string;
  rescued_at: Date | null;
  identified_at: Date | null;
  /** The caller may see this case (the record rule every read uses). */
  visible: boolean;
}

interface Facts {
  caller: Caller;
  people: PersonRow[];
  stays: Stays;
  journeys: Journeys;
}

const OWN_COLUMNS: Partial<Record<D, keyof PersonRow>> = {
  [D.NATIONALITY]: "nationality",
  [D.NRM_STATUS]: "nrm_status",
  [D.GENDER]: "gender",
  [D.AGE_BRACKET]: "age_bracket",
};

async function loadFacts(context: SubgraphContext, needs: { stays: boolean; journeys: boolean }): Promise<Facts> {
  const { sql, params } = visibilityCondition(context.caller, "v");
  const [people, stays, journeys] = await Promise.all([
    context.db
      .getRepository(Victim)
      .createQueryBuilder("v")
      .select([
        "v.id AS id",
        "v.nationality AS nationality",
        "v.nrm_status AS nrm_status",
        "v.gender AS gender",
        "v.age_bracket AS age_bracket",
        "v.rescued_at AS rescued_at",
        "v.identified_at AS identified_at",
      ])
      .addSelect(`(${sql})`, "visible")
      .setParameters(params)
      .getRawMany<PersonRow>(),
    needs.stays ? currentStays(context) : { byVictim: new Map() },
    needs.journeys ? latestJourneys(context) : { byVictim: new Map(), completeForCaller: false },
  ]);
  return {
    caller: context.caller,
    people: people.map((person) => ({
      ...person,
      visible: person.visible === true || String(person.visible) === "true",
    })),
    stays,
    journeys,
  };
}

/**
 * The other subgraphs' facts a table needs: those it groups by, and — for a caller that may
 * hold records there (shelter staff their residents; NGOs, embassies and the agency cases)
 * — those that say what it may already know, whatever the table (its knowledge does not
 * depend on the question, or a coarser table would count as unknown people it knows).
 */
function neededFacts(caller: Caller, groupBy: D[]): { stays: boolean; journeys: boolean } {
  const mayKnow = caller.role !== "government" && caller.role !== "auditor";
  return {
    stays: groupBy.includes(D.SHELTER) || (mayKnow && caller.role === "shelter"),
    journeys: groupBy.includes(D.REPATRIATION_STATUS) || (mayKnow && caller.role !== "shelter"),
  };
}

function valueOf(facts: Facts, person: PersonRow, dimension: D): string {
  const column = OWN_COLUMNS[dimension];
  if (column) return String(person[column]);
  if (dimension === D.SHELTER) return facts.stays.byVictim.get(person.id)?.shelterId ?? NONE;
  return facts.journeys.byVictim.get(person.id)?.status ?? NONE;
}

/** How much the caller knows of a person, for a table (or measure) that reads the fields of `path`. */
function knowledge(facts: Facts, person: PersonRow, path: FieldPath): { surely: boolean; possibly: boolean } {
  const { caller } = facts;
  const journey = facts.journeys.byVictim.get(person.id);
  const usesJourney = path.some(([type]) => type === "RepatriationCase");
  // A person without a case is known to have none only to a caller whose rule shows every case.
  const journeySure = journey ? journey.knownToCaller : facts.journeys.completeForCaller;
  const surely = person.visible && readsSurely(caller.role, path) && (!usesJourney || journeySure);
  // What the caller may know at best, whatever the table: every case it sees, and records it holds in another subgraph.
  const possibly =
    person.visible || facts.stays.byVictim.get(person.id)?.knownToCaller === true || journey?.knownToCaller === true;
  return { surely, possibly };
}

function pathOf(dimensions: D[]): FieldPath {
  return dimensions.flatMap((dimension) => DIMENSION_FIELDS[dimension]);
}

interface Tally {
  count: number;
  unseenAtLeast: number;
  unseenAtMost: number;
}

function tallyOf(facts: Facts, people: PersonRow[], path: FieldPath): Tally {
  const tally = { count: 0, unseenAtLeast: 0, unseenAtMost: 0 };
  for (const person of people) {
    const known = knowledge(facts, person, path);
    tally.count += 1;
    if (!known.possibly) tally.unseenAtLeast += 1;
    if (!known.surely) tally.unseenAtMost += 1;
  }
  return tally;
}

/** One grouped table as this caller may see it: every combination of the values seen, suppressed. */
function tabulate(facts: Facts, groupBy: D[]): { cells: PublishedCell[]; total: number | null } {
  const path = pathOf(groupBy);
  const counts = new Map<string, Cell & Tally>();
  for (const person of facts.people) {
    const key = groupBy.map((dimension) => valueOf(facts, person, dimension));
    const id = JSON.stringify(key);
    const cell = counts.get(id) ?? { key, count: 0, unseenAtLeast: 0, unseenAtMost: 0 };
    const known = knowledge(facts, person, path);
    cell.count += 1;
    if (!known.possibly) cell.unseenAtLeast += 1;
    if (!known.surely) cell.unseenAtMost += 1;
    counts.set(id, cell);
  }
  // Every combination of the values seen, zeros included, so that a zero can serve as a complement.
  const valuesSeen = groupBy.map((_, position) =>
    [...new Set([...counts.values()].map((cell) => cell.key[position]))].sort(),
  );
  const everyCombination = valuesSeen.reduce<string[][]>(
    (keys, values) => keys.flatMap((key) => values.map((value) => [...key, value])),
    [[]],
  );
  const ordered = everyCombination.map(
    (key) => counts.get(JSON.stringify(key)) ?? { key, count: 0, unseenAtLeast: 0, unseenAtMost: 0 },
  );
  const all = tallyOf(facts, facts.people, []);
  return {
    cells: suppressSmallCells(ordered),
    total: publishable(all.unseenAtLeast, all.unseenAtMost) ? all.count : null,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const DAY_MS = 86_400_000;
const IDENTIFIED = "IDENTIFIED";
const DEPARTED_STATES = ["DEPARTED", "ARRIVED"];

/**
 * A median over `measured`, a part of `population` (itself a union of cells the caller
 * may be published in a caseStatistics table): published — people and median — only when
 * the population's cells are published to this caller, and both the measured people and
 * the rest of the population pass the cell rule. Otherwise `people` would be a new cell,
 * and the population minus it a small group.
 */
function durationOver(
  facts: Facts,
  measure: string,
  population: PersonRow[],
  populationPublished: boolean,
  measured: Array<{ person: PersonRow; days: number }>,
  path: FieldPath,
): DurationStatistic {
  const measuredIds = new Set(measured.map((entry) => entry.person.id));
  const measuredTally = tallyOf(
    facts,
    measured.map((entry) => entry.person),
    path,
  );
  const restTally = tallyOf(
    facts,
    population.filter((person) => !measuredIds.has(person.id)),
    path,
  );
  const publish =
    populationPublished &&
    publishable(measuredTally.unseenAtLeast, measuredTally.unseenAtMost) &&
    publishable(restTally.unseenAtLeast, restTally.unseenAtMost);
  if (!publish) return { measure, people: null, medianDays: null, suppressed: true };
  return {
    measure,
    people: measured.length,
    medianDays: measured.length > 0 ? Math.round(median(measured.map((entry) => entry.days)) * 10) / 10 : null,
    suppressed: false,
  };
}

function publishedIn(cells: PublishedCell[], key: string[]): boolean {
  const cell = cells.find((candidate) => JSON.stringify(candidate.key) === JSON.stringify(key));
  return !cell || !cell.suppressed; // Absent: a value nobody has, a published zero.
}

@Resolver()
export class StatisticsResolver {
  @Query(() => CaseStatistics, {
    nullable: true,
    description:
      "How many cases fall in each group. A group is suppressed (null count, suppressed: true) unless the people in it you cannot see number 0 or at least 5, and more are hidden so that no figure, nor any pair of groupings, identifies anyone.",
  })
  async caseStatistics(
    @Arg("groupBy", () => [D]) groupBy: D[],
    @Ctx() context: SubgraphContext,
  ): Promise<CaseStatistics> {
    if (new Set(groupBy).size !== groupBy.length)
      throw hubError(ErrorCode.BAD_USER_INPUT, "groupBy lists a dimension twice", {
        rowErrors: [{ field: "groupBy", reason: "groupBy lists a dimension twice" }],
      });
    const facts = await loadFacts(context, neededFacts(context.caller, groupBy));
    const table = tabulate(facts, groupBy);
    await auditStatistics(context, "caseStatistics", groupBy);
    return {
      groupBy,
      // An absent cell is a published zero; hidden ones are listed, whatever they hold.
      cells: table.cells
        .filter((cell) => cell.suppressed || cell.count! > 0)
        .map((cell) => ({
          group: cell.key.map((value, index) => ({ dimension: groupBy[index], value })),
          count: cell.count,
          suppressed: cell.suppressed,
        })),
      total: table.total,
      rule: SUPPRESSION_RULE,
    };
  }

  @Query(() => [DurationStatistic], {
    nullable: true,
    description:
      "Median days from rescue to NRM identification (over identified people), and from identification to departure home (over identified people whose latest journey is DEPARTED or ARRIVED); suppressed unless the groups pass the same rule as caseStatistics.",
  })
  async caseDurations(@Ctx() context: SubgraphContext): Promise<DurationStatistic[]> {
    const facts = await loadFacts(context, neededFacts(context.caller, [D.REPATRIATION_STATUS]));
    const identified = facts.people.filter((person) => person.nrm_status === IDENTIFIED);
    const byStatus = tabulate(facts, [D.NRM_STATUS]);
    const byStatusAndJourney = tabulate(facts, [D.NRM_STATUS, D.REPATRIATION_STATUS]);
    const rescueToIdentification = identified
      .filter((person) => person.rescued_at && person.identified_at)
      .map((person) => ({ person, days: (person.identified_at!.getTime() - person.rescued_at!.getTime()) / DAY_MS }));
    const journeyOf = (person: PersonRow): JourneyFact | undefined => facts.journeys.byVictim.get(person.id);
    const departedPopulation = identified.filter((person) =>
      DEPARTED_STATES.includes(journeyOf(person)?.status ?? NONE),
    );
    const identificationToDeparture = departedPopulation.flatMap((person) => {
      const departedAt = journeyOf(person)?.departedAt;
      return departedAt && person.identified_at
        ? [{ person, days: (Date.parse(departedAt) - person.identified_at.getTime()) / DAY_MS }]
        : [];
    });
    await auditStatistics(context, "caseDurations", ["rescueToIdentification", "identificationToDeparture"]);
    return [
      durationOver(
        facts,
        "rescue to identification",
        identified,
        publishedIn(byStatus.cells, [IDENTIFIED]),
        rescueToIdentification,
        RESCUE_TO_IDENTIFICATION,
      ),
      durationOver(
        facts,
        "identification to departure",
        departedPopulation,
        DEPARTED_STATES.every((state) => publishedIn(byStatusAndJourney.cells, [IDENTIFIED, state])),
        identificationToDeparture,
        IDENTIFICATION_TO_DEPARTURE,
      ),
    ];
  }
}
