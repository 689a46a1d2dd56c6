/**
 * Placing, moving and discharging people. A shelter is never over-filled, also under
 * concurrency: placements into one shelter queue on its row lock (beds.ts), so the
 * (capacity + 1)th gets CAPACITY_EXCEEDED. The partial unique index on open placements
 * keeps a person in at most one shelter, whatever the interleaving.
 */
import { type VictimAccessAskingContext } from "../../../contracts/victim-access/asking";
import { auditedTransaction } from "../../../platform/audit/audit-log";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { EntityManager } from "typeorm";
import { insertUnlessClash } from "../../../platform/database";
import { isErased } from "../../../platform/erasure";
import { invalidField } from "../../../platform/validation";
import { ErrorCode, hubError, notFound } from "../../../platform/errors";
import { assertFreeBed, changeOccupancy, lockShelters } from "../beds";
import { DischargeReason, PlacementEndReason } from "../entities/enums";
import { Placement } from "../entities/placement";
import { assertMayActOnCase, assertShelterStaffOf } from "../placement-rules";

async function openPlacement(manager: EntityManager, victimId: string): Promise<Placement | null> {
  return manager
    .getRepository(Placement)
    .createQueryBuilder("p")
    .where("p.victim_id = :victimId AND p.ended_at IS NULL", { victimId })
    .setLock("pessimistic_write")
    .getOne();
}

async function insertPlacement(
  manager: EntityManager,
  victimId: string,
  shelterId: string,
  placedByOrg: string,
): Promise<Placement> {
  // A person this subgraph erased (its own erasure_log) gets no new stay: the erasure order is carried out
  // once, so a stay begun afterwards would name them, to the second, for good. Ending a stay stays open.
  if (await isErased(manager, victimId))
    throw hubError(ErrorCode.CONFLICT, "The person's data was erased: no new stay can be recorded");
  const values = {
    victimId,
    shelterId,
    placedAt: new Date(),
    placedByOrg,
    endedAt: null,
    endReason: null,
    endedByOrg: null,
  };
  const id = await insertUnlessClash(manager, Placement, values, "placement_one_open_per_victim", alreadyPlaced);
  await changeOccupancy(manager, shelterId, 1);
  return manager.getRepository(Placement).findOneOrFail({ where: { id }, relations: { shelter: true } });
}

async function endPlacement(
  manager: EntityManager,
  placement: Placement,
  reason: PlacementEndReason,
  byOrg: string,
): Promise<void> {
  await manager.update(
    Placement,
    { id: placement.id },
    { endedAt: () => "GREATEST(now(), placed_at)", endReason: reason, endedByOrg: byOrg },
  );
  await changeOccupancy(manager, placement.shelterId, -1);
}

const DISCHARGE_AS_END_REASON: Record<DischargeReason, PlacementEndReason> = {
  [DischargeReason.REPATRIATED]: PlacementEndReason.REPATRIATED,
  [DischargeReason.MOVED_TO_OTHER_CARE]: PlacementEndReason.MOVED_TO_OTHER_CARE,
  [DischargeReason.LEFT_VOLUNTARILY]: PlacementEndReason.LEFT_VOLUNTARILY,
  [DischargeReason.OTHER]: PlacementEndReason.OTHER,
};

const alreadyPlaced = () =>
  hubError(ErrorCode.CONFLICT, "The person already stays in a shelter; use transferVictim to move them");
const notPlaced = () => hubError(ErrorCode.CONFLICT, "The person does not stay in a shelter now; use placeVictim");

@Resolver(() => Placement)
export class PlacementWorkflowResolver {
  @Mutation(() => Placement, {
    description:
      "Places a person in a shelter (government, the case owner, or staff of that shelter for a case referred to it). CAPACITY_EXCEEDED when the shelter is full; CONFLICT when the person already stays somewhere.",
  })
  async placeVictim(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("shelterId", () => ID) shelterId: string,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<Placement> {
    assertShelterStaffOf(context, "Mutation.placeVictim", shelterId);
    await assertMayActOnCase(context, "Mutation.placeVictim", victimId);
    return auditedTransaction(context, async (manager) => {
      const capacities = await lockShelters(manager, [shelterId]);
      const capacity = capacities.get(shelterId);
      if (capacity === undefined) throw notFound("Shelter");
      if (await openPlacement(manager, victimId)) throw alreadyPlaced();
      await assertFreeBed(manager, shelterId, capacity);
      return insertPlacement(manager, victimId, shelterId, context.caller.org);
    });
  }

  @Mutation(() => Placement, {
    description:
      "Moves a person to another shelter in one step (government, the case owner, or staff of the shelter they leave); the old stay ends as TRANSFERRED. CAPACITY_EXCEEDED when the new shelter is full.",
  })
  async transferVictim(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("toShelterId", () => ID) toShelterId: string,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<Placement> {
    await assertMayActOnCase(context, "Mutation.transferVictim", victimId);
    return auditedTransaction(context, async (manager) => {
      const current = await openPlacement(manager, victimId);
      if (!current) throw notPlaced();
      assertShelterStaffOf(context, "Mutation.transferVictim", current.shelterId);
      if (current.shelterId === toShelterId)
        throw invalidField("toShelterId", "is the shelter the person stays in now");
      const capacities = await lockShelters(manager, [current.shelterId, toShelterId]);
      const capacity = capacities.get(toShelterId);
      if (capacity === undefined) throw notFound("Shelter");
      await assertFreeBed(manager, toShelterId, capacity);
      await endPlacement(manager, current, PlacementEndReason.TRANSFERRED, context.caller.org);
      return insertPlacement(manager, victimId, toShelterId, context.caller.org);
    });
  }

  @Mutation(() => Placement, {
    description:
      "Ends a person's stay (government, the case owner, or staff of that shelter), freeing the bed at once. Returns the ended stay.",
  })
  async dischargeVictim(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("reason", () => DischargeReason) reason: DischargeReason,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<Placement> {
    await assertMayActOnCase(context, "Mutation.dischargeVictim", victimId);
    return auditedTransaction(context, async (manager) => {
      const current = await openPlacement(manager, victimId);
      if (!current) throw notPlaced();
      assertShelterStaffOf(context, "Mutation.dischargeVictim", current.shelterId);
      await lockShelters(manager, [current.shelterId]);
      await endPlacement(manager, current, DISCHARGE_AS_END_REASON[reason], context.caller.org);
      return manager
        .getRepository(Placement)
        .findOneOrFail({ where: { id: current.id }, relations: { shelter: true } });
    });
  }
}
