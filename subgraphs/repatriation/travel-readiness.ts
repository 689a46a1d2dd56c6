/** Asking the embassies subgraph which valid travel documents a person holds (contracts/travel-readiness.ts). */
import { TRAVEL_READINESS, type ValidTravelDocument } from "../../contracts/travel-readiness";
import type { SubgraphContext } from "../../platform/context";
import { ask } from "../../platform/internal-api";

/** Valid, unexpired documents of one victim, as the embassies subgraph records them now. */
export async function validTravelDocuments(context: SubgraphContext, victimId: string): Promise<ValidTravelDocument[]> {
  const answer = await ask(context, TRAVEL_READINESS, { ids: [victimId] });
  return answer.valid.filter((document) => document.victimId === victimId);
}
