/**
 * What statistics ask the shelters and repatriation subgraphs when a statistic groups by
 * their data (contracts/statistics-stays.ts, contracts/statistics-journeys.ts), by person.
 * Person-level facts: they stay inside this process; only suppressed aggregates leave it.
 */
import { STATISTICS_JOURNEYS, type JourneyFact } from "../../../contracts/statistics-journeys";
import { STATISTICS_STAYS, type StayFact } from "../../../contracts/statistics-stays";
import type { SubgraphContext } from "../../../platform/context";
import { ask } from "../../../platform/internal-api";

export type { JourneyFact, StayFact };

export interface Stays {
  byVictim: Map<string, StayFact>;
}

export interface Journeys {
  byVictim: Map<string, JourneyFact>;
  /** The caller's rule shows it every case, so a person without one is known to have none. */
  completeForCaller: boolean;
}

export async function currentStays(context: SubgraphContext): Promise<Stays> {
  const answer = await ask(context, STATISTICS_STAYS, {});
  return { byVictim: new Map(answer.stays.map((stay) => [stay.victimId, stay])) };
}

export async function latestJourneys(context: SubgraphContext): Promise<Journeys> {
  const answer = await ask(context, STATISTICS_JOURNEYS, {});
  return {
    byVictim: new Map(answer.journeys.map((journey) => [journey.victimId, journey])),
    completeForCaller: answer.completeForCaller === true,
  };
}
