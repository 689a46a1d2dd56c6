/**
 * Beds: the one place that locks shelters and counts who stays in them. Every change
 * to a shelter's occupancy or capacity takes the shelter's row lock first, then counts
 * open stays in a fresh statement (a count inside the locking statement would read a
 * snapshot from before the lock was granted), so they queue and never cross.
 */
import type { EntityManager } from "typeorm";
import { ErrorCode, hubError } from "../../shared/errors";

/** Locks the shelters (in id order, so two transfers never deadlock) and returns their capacities. */
export async function lockShelters(manager: EntityManager, ids: string[]): Promise<Map<string, number>> {
  const rows: Array<{ id: string; capacity: number }> = await manager.query("SELECT id, capacity FROM shelter WHERE id = ANY($1) ORDER BY id FOR UPDATE", [ids]);
  return new Map(rows.map((row) => [row.id, row.capacity]));
}

/** People staying in a shelter now; call with the shelter locked. */
export async function occupiedBeds(manager: EntityManager, shelterId: string): Promise<number> {
  const [{ occupied }]: Array<{ occupied: number }> = await manager.query("SELECT COUNT(*)::int AS occupied FROM placement WHERE shelter_id = $1 AND ended_at IS NULL", [shelterId]);
  return occupied;
}

/** CAPACITY_EXCEEDED unless a locked shelter has a free bed. */
export async function assertFreeBed(manager: EntityManager, shelterId: string, capacity: number): Promise<void> {
  if ((await occupiedBeds(manager, shelterId)) >= capacity) {
    throw hubError(ErrorCode.CAPACITY_EXCEEDED, `The shelter is full (${capacity} beds, all taken); choose another shelter`);
  }
}
