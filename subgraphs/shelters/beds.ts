/**
 * Beds: the one place that locks shelters and keeps their occupancy. Every change to a
 * shelter's occupancy or capacity takes the shelter's row lock first, then reads the
 * occupancy in a fresh statement (the locking statement itself may hold a snapshot from
 * before the lock was granted), so they queue and never cross; the occupancy moves in
 * the same transaction as the placement that changes it.
 */
import type { EntityManager } from "typeorm";
import { ErrorCode, hubError } from "../../platform/errors";

/** Locks the shelters (in id order, so two transfers never deadlock) and returns their capacities. */
export async function lockShelters(manager: EntityManager, ids: string[]): Promise<Map<string, number>> {
  const rows: Array<{ id: string; capacity: number }> = await manager.query(
    "SELECT id, capacity FROM shelter WHERE id = ANY($1) ORDER BY id FOR UPDATE",
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.capacity]));
}

/** People staying in a shelter now; call with the shelter locked. */
export async function occupiedBeds(manager: EntityManager, shelterId: string): Promise<number> {
  const [{ occupied }]: Array<{ occupied: number }> = await manager.query(
    "SELECT occupied_beds AS occupied FROM shelter WHERE id = $1",
    [shelterId],
  );
  return occupied;
}

/** A stay starts (+1) or ends (-1) in a locked shelter. */
export async function changeOccupancy(manager: EntityManager, shelterId: string, change: 1 | -1): Promise<void> {
  await manager.query("UPDATE shelter SET occupied_beds = occupied_beds + $2 WHERE id = $1", [shelterId, change]);
}

/** CAPACITY_EXCEEDED unless a locked shelter has a free bed. */
export async function assertFreeBed(manager: EntityManager, shelterId: string, capacity: number): Promise<void> {
  if ((await occupiedBeds(manager, shelterId)) >= capacity) {
    throw hubError(
      ErrorCode.CAPACITY_EXCEEDED,
      `The shelter is full (${capacity} beds, all taken); choose another shelter`,
    );
  }
}

/** Recounts every shelter's occupancy from its open stays: for loaders that insert placements in bulk. */
export const RECOUNT_OCCUPANCY_SQL =
  "UPDATE shelter s SET occupied_beds = (SELECT count(*) FROM placement p WHERE p.shelter_id = s.id AND p.ended_at IS NULL)";
