/**
 * Anonymised statistics, open to every authenticated role including the auditor. They
 * read only aggregates (person-level facts of other subgraphs stay inside this process),
 * every published count passes small-cell suppression, and each query is audited as
 * one STATISTICS entry.
 */
import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { SubgraphContext } from "../../../shared/context";
import { auditStatistics } from "../../../shared/audit/audit-log";
import { ErrorCode, hubError } from "../../../shared/errors";
import { currentStays, latestJourneys, type JourneyFact, type StayFact } from "../../../shared/statistics/facts";
import { publishableGroup, SMALLEST_PUBLISHED_GROUP, suppressSmallCells, type Cell } from "../../../shared/statistics/suppression";
import { CaseStatistics, DurationStatistic, StatisticsDimension as D } from "../types/statistics";

const NONE = "NONE";
const OWN_COLUMNS: Partial<Record<D, string>> = { [D.NATIONALITY]: "nationality", [D.NRM_STATUS]: "nrm_status", [D.GENDER]: "gender", [D.AGE_BRACKET]: "age_bracket" };
export const SUPPRESSION_RULE = `Counts of 1 to ${SMALLEST_PUBLISHED_GROUP - 1} are suppressed; in every line of the table (cells differing in one dimension) the suppressed cells hold 0 or at least ${SMALLEST_PUBLISHED_GROUP} people and are never alone, so no coarser figure reveals them.`;

interface PersonRow {
  id: string;
  nationality: string;
  nrm_status: string;
  gender: string;
  age_bracket: string;
  rescued_at: Date | null;
  identified_at: Date | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const DAY_MS = 86_400_000;

@Resolver()
export class StatisticsResolver {
  @Query(() => CaseStatistics, {
    nullable: true,
    description: "How many cases fall in each group. Small groups are suppressed (null count, suppressed: true) so that no figure, nor any pair of groupings, identifies anyone.",
  })
  async caseStatistics(@Arg("groupBy", () => [D]) groupBy: D[], @Ctx() context: SubgraphContext): Promise<CaseStatistics> {
    if (new Set(groupBy).size !== groupBy.length) throw hubError(ErrorCode.BAD_USER_INPUT, "groupBy lists a dimension twice", { rowErrors: [{ field: "groupBy", reason: "groupBy lists a dimension twice" }] });
    const people: Array<Pick<PersonRow, "id" | "nationality" | "nrm_status" | "gender" | "age_bracket">> = await context.db.query("SELECT id, nationality, nrm_status, gender, age_bracket FROM victim");
    const needsStays = groupBy.includes(D.SHELTER);
    const needsJourneys = groupBy.includes(D.REPATRIATION_STATUS);
    const [stays, journeys] = await Promise.all([
      needsStays ? currentStays(context) : new Map<string, StayFact>(),
      needsJourneys ? latestJourneys(context) : new Map<string, JourneyFact>(),
    ]);
    const valueOf = (person: (typeof people)[number], dimension: D): string => {
      const column = OWN_COLUMNS[dimension];
      if (column) return String(person[column as keyof typeof person]);
      if (dimension === D.SHELTER) return stays.get(person.id)?.shelterId ?? NONE;
      return journeys.get(person.id)?.status ?? NONE;
    };
    const counts = new Map<string, Cell>();
    for (const person of people) {
      const key = groupBy.map((dimension) => valueOf(person, dimension));
      const id = JSON.stringify(key);
      const cell = counts.get(id);
      if (cell) cell.count += 1;
      else counts.set(id, { key, count: 1 });
    }
    // Every combination of the values seen, zeros included, so that a zero can serve as a complement.
    const valuesSeen = groupBy.map((_, position) => [...new Set([...counts.values()].map((cell) => cell.key[position]))].sort());
    const everyCombination = valuesSeen.reduce<string[][]>((keys, values) => keys.flatMap((key) => values.map((value) => [...key, value])), [[]]);
    const ordered = everyCombination.map((key) => counts.get(JSON.stringify(key)) ?? { key, count: 0 });
    await auditStatistics(context, "caseStatistics", groupBy);
    return {
      groupBy,
      // An absent cell is a published zero; hidden ones are listed, whatever they hold.
      cells: suppressSmallCells(ordered).filter((cell) => cell.suppressed || cell.count! > 0).map((cell) => ({
        group: cell.key.map((value, index) => ({ dimension: groupBy[index], value })),
        count: cell.count,
        suppressed: cell.suppressed,
      })),
      total: publishableGroup(people.length) ? people.length : null,
      rule: SUPPRESSION_RULE,
    };
  }

  @Query(() => [DurationStatistic], {
    nullable: true,
    description: "Median days from rescue to NRM identification, and from identification to departure home; suppressed for groups under 5.",
  })
  async caseDurations(@Ctx() context: SubgraphContext): Promise<DurationStatistic[]> {
    const people: Array<Pick<PersonRow, "id" | "rescued_at" | "identified_at">> = await context.db.query("SELECT id, rescued_at, identified_at FROM victim WHERE identified_at IS NOT NULL");
    const journeys = await latestJourneys(context);
    const rescueToIdentification = people.filter((person) => person.rescued_at).map((person) => (person.identified_at!.getTime() - person.rescued_at!.getTime()) / DAY_MS);
    const identificationToDeparture = people.flatMap((person) => {
      const departedAt = journeys.get(person.id)?.departedAt;
      return departedAt ? [(Date.parse(departedAt) - person.identified_at!.getTime()) / DAY_MS] : [];
    });
    await auditStatistics(context, "caseDurations", ["rescueToIdentification", "identificationToDeparture"]);
    return [
      ["rescue to identification", rescueToIdentification],
      ["identification to departure", identificationToDeparture],
    ].map(([measure, days]) => {
      const values = days as number[];
      const publish = publishableGroup(values.length) && values.length > 0;
      return { measure: measure as string, people: publishableGroup(values.length) ? values.length : null, medianDays: publish ? Math.round(median(values) * 10) / 10 : null, suppressed: !publishableGroup(values.length) };
    });
  }
}
