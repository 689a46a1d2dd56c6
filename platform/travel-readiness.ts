/**
 * Asking the embassies subgraph which valid travel documents some victims hold. The
 * repatriation subgraph needs the fact ("has a valid document of the destination
 * country") before a journey may become READY; it asks the owner of documents rather
 * than trusting the client. Only hub subgraphs may ask (see internal-api.ts), and the
 * answer carries no document number.
 */
import type { SubgraphContext } from "./context";
import { askPeer } from "./internal-api";

export const TRAVEL_READINESS_PATH = "/internal/travel-readiness";

export interface ValidTravelDocument {
  victimId: string;
  issuingCountry: string;
  kind: string;
  /** YYYY-MM-DD */
  expiresOn: string;
}

export interface TravelReadinessAnswer {
  valid: ValidTravelDocument[];
}

/** Valid, unexpired documents of one victim, as the embassies subgraph records them now. */
export async function validTravelDocuments(context: SubgraphContext, victimId: string): Promise<ValidTravelDocument[]> {
  const answer = await askPeer<TravelReadinessAnswer>(context, "embassies", TRAVEL_READINESS_PATH, { ids: [victimId] });
  return answer.valid.filter((document) => document.victimId === victimId);
}
