/** Opening a shelter (government) and changing its beds, services and languages (its staff, government). */
import { auditedTransaction } from "../../../platform/audit/audit-log";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { SubgraphContext } from "../../../platform/context";
import { insertUnlessClash } from "../../../platform/database";
import { ErrorCode, hubError, notFound } from "../../../platform/errors";
import { lockShelters, occupiedBeds } from "../beds";
import { Shelter } from "../entities/shelter";
import { OpenShelterInput, UpdateShelterInput } from "../inputs/shelter-inputs";
import { assertShelterStaffOf } from "../placement-rules";

@Resolver(() => Shelter)
export class ShelterManagementResolver {
  @Mutation(() => Shelter, {
    description: "Adds a shelter to the hub (government). Its id is the organisation id its staff's tokens carry.",
  })
  async openShelter(
    @Arg("shelter", () => OpenShelterInput) input: OpenShelterInput,
    @Ctx() context: SubgraphContext,
  ): Promise<Shelter> {
    const values = { ...input, services: input.services ?? [], languages: input.languages ?? [] };
    return auditedTransaction(context, async (manager) => {
      await insertUnlessClash(manager, Shelter, values, undefined, () =>
        hubError(ErrorCode.CONFLICT, `A shelter with id ${input.id} already exists`),
      );
      return manager.getRepository(Shelter).findOneByOrFail({ id: input.id });
    });
  }

  @Mutation(() => Shelter, {
    description:
      "Changes a shelter's capacity, services or languages (that shelter's staff, government). Capacity never goes below the people staying there now (CAPACITY_EXCEEDED).",
  })
  updateShelter(
    @Arg("id", () => ID) id: string,
    @Arg("changes", () => UpdateShelterInput) changes: UpdateShelterInput,
    @Ctx() context: SubgraphContext,
  ): Promise<Shelter> {
    assertShelterStaffOf(context, "Mutation.updateShelter", id);
    return auditedTransaction(context, async (manager) => {
      // Same lock as a placement: a capacity cut and a placement cannot cross each other.
      if (!(await lockShelters(manager, [id])).has(id)) throw notFound("Shelter");
      if (changes.capacity !== undefined && changes.capacity !== null) {
        const occupied = await occupiedBeds(manager, id);
        if (changes.capacity < occupied) {
          throw hubError(
            ErrorCode.CAPACITY_EXCEEDED,
            `${occupied} people stay there now; capacity cannot go below that`,
          );
        }
      }
      const set: Partial<Shelter> = {};
      if (changes.capacity !== undefined && changes.capacity !== null) set.capacity = changes.capacity;
      if (changes.services) set.services = changes.services;
      if (changes.languages) set.languages = changes.languages;
      if (Object.keys(set).length > 0) await manager.update(Shelter, { id }, set);
      return manager.getRepository(Shelter).findOneByOrFail({ id });
    });
  }
}
