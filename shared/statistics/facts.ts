/**
 * What the victims subgraph asks the shelters and repatriation subgraphs when a
 * statistic groups by their data: who stays in which shelter, and where each person's
 * latest journey stands. Person-level linkage, so hub subgraphs only (service
 * credential); only aggregates ever leave the victims subgraph.
 */
import type { SubgraphContext } from "../context";
import { askPeer } from "../internal-api";

export const STAYS_PATH = "/internal/statistics/stays";
export const JOURNEYS_PATH = "/internal/statistics/journeys";

export interface StayFact {
  victimId: string;
  shelterId: string;
}

export interface JourneyFact {
  victimId: string;
  status: string;
  destinationCountry: string;
  /** When the person departed (the DEPARTED step), if they have. */
  departedAt: string | null;
}

export async function currentStays(context: SubgraphContext): Promise<Map<string, StayFact>> {
  const answer = await askPeer<{ stays: StayFact[] }>(context, "shelters", STAYS_PATH, {});
  return new Map(answer.stays.map((stay) => [stay.victimId, stay]));
}

export async function latestJourneys(context: SubgraphContext): Promise<Map<string, JourneyFact>> {
  const answer = await askPeer<{ journeys: JourneyFact[] }>(context, "repatriation", JOURNEYS_PATH, {});
  return new Map(answer.journeys.map((journey) => [journey.victimId, journey]));
}
