/**
 * Conditions on the victims subgraph's records (a case, its consents and referrals, the
 * audit trail's view of them): each defined once, with the words `me`, the access matrix
 * and the SDL show, and the check the platform runs (platform/policy/enforce.ts). Free of
 * entities, like field-rules.ts, so the other subgraphs' policies can name the conditions
 * on a case they reach through the victims subgraph.
 */
import type { Caller } from "../../platform/auth/claims";
import { condition } from "../../platform/policy/types";
import { SMALLEST_PUBLISHED_GROUP } from "../../platform/statistics/suppression";

/**
 * What ownership is read from: a case of this subgraph (its owner organisation), or the
 * victims subgraph's answer to another subgraph (`actsAsOwner`, contracts/victim-access/route.ts).
 */
export type CaseOwnership = { ownerOrg: string } | { actsAsOwner: boolean };

/** The case owner, or government, may act as owner (e.g. read testimony, record consent). */
export function actsAsOwner(caller: Caller, ownerOrg: string): boolean {
  return caller.role === "government" || (caller.role === "ngo" && caller.org === ownerOrg);
}

function ownsCase(caller: Caller, facts: CaseOwnership): boolean {
  return "actsAsOwner" in facts ? facts.actsAsOwner : actsAsOwner(caller, facts.ownerOrg);
}

/**
 * The organisation a referral must name to reach this caller: for shelter staff the
 * shelter of their token (`shelter`, the shelter fact every shelter rule reads), else `org`.
 * Null (names nobody) for shelter staff without a shelter.
 */
export function addresseeOrg(caller: Caller): string | null {
  return caller.role === "shelter" ? (caller.shelter ?? null) : caller.org;
}

export const CASE_OWNER = condition<CaseOwnership>({
  name: "caseOwner",
  words: "case owner only",
  looksAt: "Victim",
  reads: ["ownerOrg"],
  onField: "unauthorized",
  check: ownsCase,
});

/** The same test as CASE_OWNER, in the words the placement rule uses. */
export const CASE_OWNED_BY_ITS_ORGANISATION = condition<CaseOwnership>({
  name: "caseOwnedByItsOrganisation",
  words: "cases its organisation owns",
  looksAt: "Victim",
  onField: "unauthorized",
  check: ownsCase,
});

/** A list of people narrowed to those whose case the caller owns (Shelter.residents for an NGO). */
export const RESIDENT_CASE_OWNED = condition<CaseOwnership>({
  name: "residentCaseOwned",
  words: "residents whose case it owns",
  looksAt: "Victim",
  onField: "nothing",
  check: ownsCase,
});

/** A case owner reads the trail of one case it owns, named by `filter.victimId` (null: none named). */
export const TRAIL_OF_OWN_CASE = condition<CaseOwnership | null>({
  name: "trailOfOwnCase",
  words: "the trail of a case it owns (filter.victimId)",
  looksAt: "Victim",
  onField: "unauthorized",
  check: (caller, facts) => facts !== null && ownsCase(caller, facts),
});

/** An id in an audit entry, and whether the Victim record rule lets the caller see that person (one statement a page). */
export const TRAIL_IDS_OF_VISIBLE_CASES = condition<{ visibleToCaller: boolean }>({
  name: "trailIdsOfVisibleCases",
  words: "only ids of cases it may see; the others are withheld",
  looksAt: "Victim",
  onField: "nothing",
  check: (_caller, victim) => victim.visibleToCaller,
});

/** How many ids of an entry were withheld from the caller: published only when that says nothing of a small group. */
export const WITHHELD_COUNT_PUBLISHED = condition<{ withheldVictimIds: number }>({
  name: "withheldCountPublished",
  words: "exact when 0 or at least 5, null for 1 to 4",
  looksAt: "AuditEntry",
  onField: "nothing",
  check: (_caller, entry) => entry.withheldVictimIds === 0 || entry.withheldVictimIds >= SMALLEST_PUBLISHED_GROUP,
});

export const RECORDED_BY_OWN_ORGANISATION = condition<{ recordedByOrg: string }>({
  name: "recordedByOwnOrganisation",
  words: "only when recorded by its own organisation",
  looksAt: "Consent",
  onField: "nothing",
  check: (caller, consent) => consent.recordedByOrg === caller.org,
});

/** Also the SQL of every referral an addressee acts on: a referral to someone else is NOT_FOUND before this runs. */
export const REFERRAL_ADDRESSED_TO_IT = condition<{ toOrg: string; toRole: string }>({
  name: "referralAddressedToIt",
  words: "referrals addressed to it",
  looksAt: "Referral",
  onField: "nothing",
  check: (caller, referral) => referral.toOrg === addresseeOrg(caller) && referral.toRole === caller.role,
});
