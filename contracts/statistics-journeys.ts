/**
 * `POST /internal/statistics/journeys`: the victims subgraph's statistics ask the
 * repatriation subgraph where each person's latest journey stands. Person-level linkage,
 * so only the victims subgraph may ask (see statistics-stays.ts); each fact says whether
 * the caller may see that case by the repatriation subgraph's own record rule.
 */
import { noQuestion } from "../platform/internal-api";
import { contract } from "./route";

export interface JourneyFact {
  victimId: string;
  status: string;
  destinationCountry: string;
  /** When the person departed (the DEPARTED step), if they have. */
  departedAt: string | null;
  /** The caller may see this repatriation case by the repatriation subgraph's record rule. */
  knownToCaller: boolean;
}

export interface JourneysAnswer {
  journeys: JourneyFact[];
  /** The caller's rule shows it every case, so a person without one is known to have none. */
  completeForCaller: boolean;
}

export const STATISTICS_JOURNEYS = contract<Record<string, never>, JourneysAnswer>({
  path: "/internal/statistics/journeys",
  answeredBy: "repatriation",
  askers: ["victims"],
  parse: noQuestion,
});

export const JOURNEYS_PATH = STATISTICS_JOURNEYS.path;
