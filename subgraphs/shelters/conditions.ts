/**
 * Conditions on the shelters subgraph's records (a shelter, a placement): each defined
 * once, with the words `me`, the access matrix and the SDL show, and the check the
 * platform runs (platform/policy/enforce.ts). Shelter staff act for the shelter of their
 * token (`shelter` claim), never one a request names.
 */
import type { Caller } from "../../platform/auth/claims";
import { condition } from "../../platform/policy/types";

const isItsShelter = (caller: Caller, shelter: { id: string }) => caller.shelter === shelter.id;

export const OWN_SHELTER = condition<{ id: string }>({
  name: "ownShelter",
  words: "its own shelter only",
  looksAt: "Shelter",
  onField: "nothing",
  check: isItsShelter,
});

/** The shelter concerned by a placement: the one receiving for a placement, the one the person leaves otherwise. */
export const SHELTER_CONCERNED = condition<{ id: string }>({
  name: "shelterConcerned",
  words:
    "placing into its own shelter, moving or discharging from its own shelter, for people whose case is referred to it",
  looksAt: "Shelter",
  onField: "nothing",
  check: isItsShelter,
});

export const PLACEMENT_IN_OWN_SHELTER = condition<{ shelterId: string }>({
  name: "placementInOwnShelter",
  words: "only when the placement is in its own shelter",
  looksAt: "Placement",
  onField: "nothing",
  check: (caller, placement) => caller.shelter === placement.shelterId,
});
