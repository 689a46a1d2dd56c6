/**
 * Who may put a person in a shelter, move them or discharge them: government; the NGO
 * that owns the case; staff of the shelter concerned (the one receiving for a
 * placement, the one the person leaves for a transfer or discharge). Visibility and
 * ownership come from the victims subgraph (asked with the caller's token), never
 * from the request; a person the caller may not see is NOT_FOUND, as if absent.
 */
import { requireVisibleVictim, type VictimAccessAskingContext } from "../../contracts/victim-access/asking";
import type { SubgraphContext } from "../../platform/context";
import { ErrorCode, hubError } from "../../platform/errors";

export const PLACEMENT_RULE = {
  government: "any person, any shelter",
  ngo: "cases its organisation owns",
  shelter:
    "placing into its own shelter, moving or discharging from its own shelter, for people whose case is referred to it",
} as const;

/** Checks the caller may act on this person's placement at all (before any lock is taken). */
export async function assertMayActOnCase(context: VictimAccessAskingContext, victimId: string): Promise<void> {
  const access = await requireVisibleVictim(context, victimId);
  const { role } = context.caller;
  if (role === "government" || role === "shelter") return;
  if (role === "ngo" && access.actsAsOwner) return;
  throw hubError(
    ErrorCode.FORBIDDEN,
    "Only the case owner, government or the shelter concerned may place, move or discharge this person",
  );
}

/** Shelter staff act for their own shelter only. */
export function assertShelterStaffOf(context: SubgraphContext, shelterId: string, action: string): void {
  const { caller } = context;
  if (caller.role === "shelter" && caller.shelter !== shelterId) {
    throw hubError(ErrorCode.FORBIDDEN, `Shelter staff may ${action} for their own shelter only`);
  }
}
