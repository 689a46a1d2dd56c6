/**
 * `POST /internal/travel-readiness`: the repatriation subgraph asks the embassies subgraph
 * which valid, unexpired travel documents some victims hold, before a journey may become
 * READY (it asks the owner of documents rather than trusting the client). The asker has
 * already applied the victims subgraph's record rules; the answer carries no document number.
 */
import { idsQuestion } from "../platform/internal-api";
import { contract } from "./route";

export interface ValidTravelDocument {
  victimId: string;
  issuingCountry: string;
  kind: string;
  /** YYYY-MM-DD */
  expiresOn: string;
}

export interface TravelReadinessRequest {
  ids: string[];
}

export interface TravelReadinessAnswer {
  valid: ValidTravelDocument[];
}

export const TRAVEL_READINESS = contract<TravelReadinessRequest, TravelReadinessAnswer>({
  path: "/internal/travel-readiness",
  answeredBy: "embassies",
  askers: ["repatriation"],
  parse: idsQuestion,
});

export const TRAVEL_READINESS_PATH = TRAVEL_READINESS.path;
