/**
 * The repatriation state machine, as data: which state may follow which, and who may
 * make each step. REQUESTED → DOCUMENTS_PENDING → READY → TRAVEL_BOOKED → DEPARTED →
 * ARRIVED, and CANCELLED from any open state. The policy document, the resolver and the
 * INVALID_TRANSITION / FORBIDDEN errors all read this one table.
 */
import type { Caller } from "../../platform/auth/claims";
import { ErrorCode, hubError } from "../../platform/errors";
import { RepatriationStatus as S } from "./entities/repatriation-case";

/** The parts a caller can play in one case. */
export type Actor = "government" | "agency" | "caseOwner" | "destinationEmbassy" | "receivingOrganisation";

const ACTOR_IN_WORDS: Record<Actor, string> = {
  government: "government",
  agency: "the repatriation agency",
  caseOwner: "the case owner",
  destinationEmbassy: "the embassy of the destination country",
  receivingOrganisation: "the receiving organisation",
};

const CANCELLERS: readonly Actor[] = ["agency", "government", "caseOwner"];

export const TRANSITIONS: Record<S, Partial<Record<S, readonly Actor[]>>> = {
  [S.REQUESTED]: { [S.DOCUMENTS_PENDING]: ["agency", "government"], [S.CANCELLED]: CANCELLERS },
  [S.DOCUMENTS_PENDING]: { [S.READY]: ["agency", "government"], [S.CANCELLED]: CANCELLERS },
  // Only the agency books and dispatches travel.
  [S.READY]: { [S.TRAVEL_BOOKED]: ["agency"], [S.CANCELLED]: CANCELLERS },
  [S.TRAVEL_BOOKED]: { [S.DEPARTED]: ["agency"], [S.CANCELLED]: CANCELLERS },
  // Arrival is confirmed by someone at the other end.
  [S.DEPARTED]: { [S.ARRIVED]: ["destinationEmbassy", "receivingOrganisation"], [S.CANCELLED]: CANCELLERS },
  [S.ARRIVED]: {},
  [S.CANCELLED]: {},
};

/** States in which the journey is still being prepared: legs may be planned. */
export const PLANNING_STATES: readonly S[] = [S.REQUESTED, S.DOCUMENTS_PENDING, S.READY, S.TRAVEL_BOOKED];

export interface CaseParties {
  caseOwnerOrg: string;
  destinationCountry: string;
  receivingOrgId: string | null;
}

/** Every part the caller plays in this case (an NGO may own it and receive the person too). */
export function actorsOf(caller: Caller, parties: CaseParties): Set<Actor> {
  const actors = new Set<Actor>();
  if (caller.role === "government") actors.add("government");
  if (caller.role === "repatriation") actors.add("agency");
  if (caller.role === "ngo" && caller.org === parties.caseOwnerOrg) actors.add("caseOwner");
  if (caller.role === "ngo" && caller.org === parties.receivingOrgId) actors.add("receivingOrganisation");
  if (caller.role === "embassy" && caller.country === parties.destinationCountry) actors.add("destinationEmbassy");
  return actors;
}

export function nextStates(from: S): S[] {
  return Object.keys(TRANSITIONS[from]) as S[];
}

/**
 * INVALID_TRANSITION when `to` cannot follow `from`. Whether the caller's parts may make the
 * step is the mutation's condition (conditions.ts, which reads this table), run by `enforce`.
 */
export function assertTransition(from: S, to: S): void {
  if (!TRANSITIONS[from][to]) {
    const allowed = nextStates(from);
    throw hubError(
      ErrorCode.INVALID_TRANSITION,
      `The case is ${from} and cannot become ${to}; ${allowed.length > 0 ? `it can become ${allowed.join(" or ")}` : "that state is final"}`,
      { currentState: from, allowedTransitions: allowed },
    );
  }
}

/** The table in words, for the policy document. */
export function transitionsInWords(): string {
  return (Object.keys(TRANSITIONS) as S[])
    .flatMap((from) =>
      Object.entries(TRANSITIONS[from])
        .filter(([to]) => to !== S.CANCELLED)
        .map(([to, actors]) => `${from}→${to}: ${actors!.map((actor) => ACTOR_IN_WORDS[actor]).join(" or ")}`),
    )
    .concat([`any open state→CANCELLED: ${CANCELLERS.map((actor) => ACTOR_IN_WORDS[actor]).join(", ")}`])
    .join("; ");
}
