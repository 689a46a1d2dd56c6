/**
 * The legal-hold check of the subgraphs that do not own holds (shelters, embassies,
 * repatriation): their retention runs ask the victims subgraph (contracts/legal-holds.ts)
 * on every run, and fail closed — no way to ask, no answer or a malformed one, and the kind
 * erases nothing this run (platform/retention.ts).
 */
import { LEGAL_HOLDS } from "../contracts/legal-holds";
import { isUuid } from "../platform/ids";
import { MAX_IDS_PER_QUESTION } from "../platform/internal-api";
import type { HoldCheck } from "../platform/retention";

export const holdsFromVictims: HoldCheck = async (_manager, subjectIds, orders) => {
  if (!orders) throw new Error("this run cannot reach the victims subgraph, which owns the legal holds");
  const held = new Set<string>();
  for (let start = 0; start < subjectIds.length; start += MAX_IDS_PER_QUESTION) {
    const answer = await orders(LEGAL_HOLDS, { ids: subjectIds.slice(start, start + MAX_IDS_PER_QUESTION) }, "victims");
    if (!Array.isArray(answer?.held) || !answer.held.every(isUuid))
      throw new Error("the victims subgraph's answer on legal holds is malformed");
    for (const id of answer.held) held.add(id);
  }
  return held;
};
