/**
 * `POST /internal/legal-holds`: "which of these person ids are under a legal hold", asked of
 * the victims subgraph (which alone owns the holds) by another subgraph's retention job
 * before it erases anything (platform/retention.ts, `RetentionOptions.holds`). Asked on the
 * asking subgraph's own authority: a retention run has no caller, and the answer goes to no
 * caller either (the job only leaves held people out; its report, log and metric carry counts).
 * The service credential and the hub's request signature (good once) prove the sender; the
 * gateway, a client's token and the victims subgraph itself are refused. An id the victims
 * subgraph does not know is simply not held: the answer names no record's existence.
 */
import { idsQuestion } from "../platform/internal-api";
import { contract } from "./route";

export interface LegalHoldsQuestion {
  /** Person (victim) ids, at most MAX_IDS_PER_QUESTION; anything not a uuid is dropped. */
  ids: string[];
}

export interface LegalHoldsAnswer {
  /** The asked ids under a standing (not lifted) hold. */
  held: string[];
}

export const LEGAL_HOLDS = contract<LegalHoldsQuestion, LegalHoldsAnswer>({
  path: "/internal/legal-holds",
  answeredBy: "victims",
  askers: ["shelters", "embassies", "repatriation"],
  parse: idsQuestion,
  authority: "asker",
});
