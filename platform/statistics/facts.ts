/**
 * What the victims subgraph asks the shelters and repatriation subgraphs when a
 * statistic groups by their data: who stays in which shelter, and where each person's
 * latest journey stands. Person-level linkage, so hub subgraphs only (service
 * credential); only suppressed aggregates ever leave the victims subgraph — no id, no
 * per-person fact, not even in an error.
 *
 * Each fact also says whether the caller (whose token the question carries) holds that
 * record by the owning subgraph's own record rule, so that statistics can count what the
 * caller already knows (docs/security-statistics.md).
 */
import type { SubgraphContext } from "../context";
import { askPeer } from "../internal-api";

export const STAYS_PATH = "/internal/statistics/stays";
export const JOURNEYS_PATH = "/internal/statistics/journeys";

export interface StayFact {
  victimId: string;
  shelterId: string;
  /** The caller holds this placement whoever the person is (staff of that shelter). */
  knownToCaller: boolean;
}

export interface JourneyFact {
  victimId: string;
  status: string;
  destinationCountry: string;
  /** When the person departed (the DEPARTED step), if they have. */
  departedAt: string | null;
  /** The caller may see this repatriation case by the repatriation subgraph's record rule. */
  knownToCaller: boolean;
}

export interface Stays {
  byVictim: Map<string, StayFact>;
}

export interface Journeys {
  byVictim: Map<string, JourneyFact>;
  /** The caller's rule shows it every case, so a person without one is known to have none. */
  completeForCaller: boolean;
}

export async function currentStays(context: SubgraphContext): Promise<Stays> {
  const answer = await askPeer<{ stays: StayFact[] }>(context, "shelters", STAYS_PATH, {});
  return { byVictim: new Map(answer.stays.map((stay) => [stay.victimId, stay])) };
}

export async function latestJourneys(context: SubgraphContext): Promise<Journeys> {
  const answer = await askPeer<{ journeys: JourneyFact[]; completeForCaller: boolean }>(
    context,
    "repatriation",
    JOURNEYS_PATH,
    {},
  );
  return {
    byVictim: new Map(answer.journeys.map((journey) => [journey.victimId, journey])),
    completeForCaller: answer.completeForCaller === true,
  };
}
