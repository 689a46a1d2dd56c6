/**
 * `POST /internal/statistics/stays`: the victims subgraph's statistics ask the shelters
 * subgraph who stays in which shelter now. Person-level linkage, so only the victims
 * subgraph may ask; only suppressed aggregates ever leave it — no id, no per-person fact,
 * not even in an error. Each fact says whether the caller (whose token the question
 * carries) holds that record by the shelters subgraph's own rule, so that statistics can
 * count what the caller already knows (docs/security-statistics.md).
 */
import { noQuestion } from "../platform/internal-api";
import { contract } from "./route";

export interface StayFact {
  victimId: string;
  shelterId: string;
  /** The caller holds this placement whoever the person is (staff of that shelter). */
  knownToCaller: boolean;
}

export interface StaysAnswer {
  stays: StayFact[];
}

export const STATISTICS_STAYS = contract<Record<string, never>, StaysAnswer>({
  path: "/internal/statistics/stays",
  answeredBy: "shelters",
  askers: ["victims"],
  parse: noQuestion,
});

export const STAYS_PATH = STATISTICS_STAYS.path;
