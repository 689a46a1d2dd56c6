/**
 * Who may put a person in a shelter, move them or discharge them: government; the NGO
 * that owns the case; staff of the shelter concerned (the one receiving for a
 * placement, the one the person leaves for a transfer or discharge) — the placement
 * mutations' conditions in policy.ts. Visibility and ownership come from the victims
 * subgraph (asked with the caller's token), never from the request; a person the caller
 * may not see is NOT_FOUND, as if absent, before any condition runs.
 */
import { requireVisibleVictim, type VictimAccessAskingContext } from "../../contracts/victim-access/asking";
import type { SubgraphContext } from "../../platform/context";
import { enforce } from "./policy";

/** Checks the caller may act on this person's placement at all (before any lock is taken). */
export async function assertMayActOnCase(
  context: VictimAccessAskingContext,
  mutation: string,
  victimId: string,
): Promise<void> {
  enforce(context, mutation, "Victim", await requireVisibleVictim(context, victimId));
}

/** Shelter staff act for their own shelter only. */
export function assertShelterStaffOf(context: SubgraphContext, mutation: string, shelterId: string): void {
  enforce(context, mutation, "Shelter", { id: shelterId });
}
