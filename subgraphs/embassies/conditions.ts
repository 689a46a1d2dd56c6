/**
 * Conditions on the embassies subgraph's records (a verification request, a travel
 * document): each defined once, with the words `me`, the access matrix and the SDL show,
 * and the check the platform runs (platform/policy/enforce.ts). An embassy acts for the
 * country of its token (`country` claim).
 */
import type { Caller } from "../../platform/auth/claims";
import { condition } from "../../platform/policy/types";

const issuedByItsCountry = (caller: Caller, document: { issuingCountry: string }) =>
  caller.country === document.issuingCountry;

export const ISSUING_EMBASSY = condition<{ issuingCountry: string }>({
  name: "issuingEmbassy",
  words: "issuing embassy only",
  looksAt: "TravelDocument",
  reads: ["issuingCountry"],
  onField: "unauthorized",
  check: issuedByItsCountry,
});

/** Also what makes another country's request NOT_FOUND (consular-workflow-resolver.ts: no existence oracle). */
export const ADDRESSED_TO_ITS_COUNTRY = condition<{ country: string }>({
  name: "addressedToItsCountry",
  words: "requests addressed to its country",
  looksAt: "NationalityVerification",
  reads: ["country"],
  onField: "nothing",
  check: (caller, verification) => caller.country === verification.country,
});

/**
 * A document its country issued (another country's is NOT_FOUND, as above); issuing needs a
 * confirmed national, a state of the verification (CONFLICT otherwise), not a refusal.
 */
export const OWN_COUNTRY_DOCUMENTS = condition<{ issuingCountry: string }>({
  name: "ownCountryDocuments",
  words: "its own country's confirmed nationals and documents",
  looksAt: "TravelDocument",
  reads: ["issuingCountry"],
  onField: "nothing",
  check: issuedByItsCountry,
});
