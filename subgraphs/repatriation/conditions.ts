/**
 * Conditions on the repatriation subgraph's records (a case, a step of its state machine):
 * each defined once, with the words `me`, the access matrix and the SDL show, and the check
 * the platform runs (platform/policy/enforce.ts).
 */
import type { VictimAccess } from "../../contracts/victim-access/route";
import { condition } from "../../platform/policy/types";
import { RepatriationStatus as S } from "./entities/repatriation-case";
import { PLANNING_STATES, TRANSITIONS, type Actor } from "./state-machine";

/** A step a caller asks for: from the case's state to another, with the parts the caller plays in that case. */
export interface RepatriationStep {
  from: S;
  to: S;
  actors: ReadonlySet<Actor>;
}

/** The state machine's table says who may make each step; a step it does not list is INVALID_TRANSITION first. */
function stepCondition(name: string, words: string) {
  return condition<RepatriationStep>({
    name,
    words,
    looksAt: "RepatriationStep",
    onField: "nothing",
    check: (_caller, step) => (TRANSITIONS[step.from][step.to] ?? []).some((actor) => step.actors.has(actor)),
  });
}

export const CASE_OWNER_OR_RECEIVER_STEPS = stepCondition(
  "caseOwnerOrReceiverSteps",
  "as case owner (cancel) or receiving organisation (confirm arrival)",
);
export const DESTINATION_EMBASSY_STEPS = stepCondition(
  "destinationEmbassySteps",
  "destination country only (confirm arrival)",
);
export const GOVERNMENT_STEPS = stepCondition("governmentSteps", "the steps the state machine gives government");
export const AGENCY_STEPS = stepCondition("agencySteps", "the steps the state machine gives the agency");

/** Legs are planned before departure; after it, adding one is CONFLICT (a state of the case, not a refusal). */
export const UNTIL_DEPARTURE = condition<{ status: S }>({
  name: "untilDeparture",
  words: "until departure",
  looksAt: "RepatriationCase",
  onField: "nothing",
  check: (_caller, repatriationCase) => PLANNING_STATES.includes(repatriationCase.status),
});

/**
 * The person's part of a case — escort, receiving organisation, journey — only while the caller
 * may see the person (the victims subgraph's record rule: for the agency, a referral or the
 * repatriation consent). The agency sees every case; without this a person who stopped sharing
 * kept these details while an erased person's were gone, so the agency could tell who asked to
 * be erased. Reads the person's access (VictimAccess, null when hidden); the resolvers apply it
 * (enforce.holds), one batched question per request.
 */
export const WHILE_PERSON_SHARED = condition<VictimAccess | null>({
  name: "whilePersonShared",
  words: "while it may see the person",
  looksAt: "Victim",
  onField: "nothing",
  check: (_caller, access) => access !== null && access !== undefined,
});
