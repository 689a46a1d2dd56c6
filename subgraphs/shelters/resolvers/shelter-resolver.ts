import {
  type VictimAccessAskingContext,
  victimAccessLoader,
  victimStubReference,
  visibleVictimStub,
} from "../../../contracts/victim-access/asking";
import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { In, IsNull } from "typeorm";
import { perRequest } from "../../../platform/context";
import { notFound } from "../../../platform/errors";
import { connectionType, paginate } from "../../../platform/pagination";
import { Placement } from "../entities/placement";
import { Shelter } from "../entities/shelter";
import { Victim } from "../entities/victim";
import { enforce } from "../policy";

export const { ConnectionType: ShelterConnection } = connectionType(Shelter, "Shelter");

/** Open placements by victim id, with their shelter, in one statement per batch. */
function openPlacementLoader(context: VictimAccessAskingContext) {
  return perRequest(
    context,
    "shelters.openPlacement",
    () =>
      new DataLoader<string, Placement | null>(async (victimIds) => {
        const rows = await context.db.getRepository(Placement).find({
          where: { victimId: In([...victimIds]), endedAt: IsNull() },
          relations: { shelter: true },
        });
        const byVictim = new Map(rows.map((row) => [row.victimId, row]));
        return victimIds.map((id) => byVictim.get(id) ?? null);
      }),
  );
}

/** Open placements by shelter id, with their shelter, oldest first: one statement per batch. */
function openPlacementsByShelterLoader(context: VictimAccessAskingContext) {
  return perRequest(
    context,
    "shelters.openPlacementsByShelter",
    () =>
      new DataLoader<string, Placement[]>(async (shelterIds) => {
        const rows = await context.db.getRepository(Placement).find({
          where: { shelterId: In([...shelterIds]), endedAt: IsNull() },
          relations: { shelter: true },
          order: { placedAt: "ASC" },
        });
        return shelterIds.map((id) => rows.filter((row) => row.shelterId === id));
      }),
  );
}

@Resolver(() => Shelter)
export class ShelterResolver {
  @Query(() => ShelterConnection, {
    nullable: true,
    description: "Shelters with free beds, services and languages, ordered by id.",
  })
  shelters(
    @Ctx() context: VictimAccessAskingContext,
    @Arg("region", () => String, { nullable: true }) region?: string | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const query = context.db.getRepository(Shelter).createQueryBuilder("s");
    if (region) query.andWhere("s.region = :region", { region });
    return paginate(query, { first, after, keyColumn: "s.id", keyKind: "text", keyOf: (shelter) => shelter.id });
  }

  @Query(() => Shelter, { nullable: true })
  async shelter(@Arg("id", () => ID) id: string, @Ctx() context: VictimAccessAskingContext): Promise<Shelter> {
    const shelter = await context.db.getRepository(Shelter).findOneBy({ id });
    if (!shelter) throw notFound("Shelter");
    return shelter;
  }

  @FieldResolver(() => [Placement], { nullable: true, description: "Who stays here now." })
  async residents(@Root() shelter: Shelter, @Ctx() context: VictimAccessAskingContext): Promise<Placement[]> {
    // Shelter staff of another shelter get [] before this runs: the policy's condition, run by the platform.
    // One statement for the open stays of every shelter in this request (no N+1 over a shelter list).
    const open = await openPlacementsByShelterLoader(context).load(shelter.id);
    if (context.caller.role !== "ngo") return open;
    // An NGO sees only the residents whose case it owns: its condition reads each person's case, which the
    // victims subgraph answers (one batched question), so it is applied here.
    // An open stay always names its person (a check in the database); only ended ones may have lost the link.
    const named = open.filter(
      (placement): placement is Placement & { victimId: string } => placement.victimId !== null,
    );
    const access = await victimAccessLoader(context).loadMany(named.map((placement) => placement.victimId));
    return named.filter((_, index) => {
      const entry = access[index];
      return (
        entry !== null && !(entry instanceof Error) && enforce.holds(context, "Shelter.residents", "Victim", entry)
      );
    });
  }
}

@Resolver(() => Placement)
export class PlacementResolver {
  @FieldResolver(() => Victim, {
    nullable: true,
    // Nullable: one hidden person must not wipe out a whole list by null propagation.
    description: "The person placed; null when the victims subgraph's record rules hide them from you.",
  })
  victim(@Root() placement: Placement, @Ctx() context: VictimAccessAskingContext): Promise<Victim | null> {
    // An ended stay past its retention period names no one any more (retention.ts).
    if (placement.victimId === null) return Promise.resolve(null);
    return visibleVictimStub(context, placement.victimId);
  }
}

@Resolver(() => Victim)
export class VictimPlacementResolver {
  @FieldResolver(() => Placement, { nullable: true })
  async currentPlacement(@Root() victim: Victim, @Ctx() context: VictimAccessAskingContext): Promise<Placement | null> {
    // Ask the owner of Victim whether this caller may see the person at all.
    const access = await victimAccessLoader(context).load(victim.id);
    if (!access) return null;
    const placement = await openPlacementLoader(context).load(victim.id);
    // Shelter staff see it only in their own shelter: the policy's condition on the placement, run by the platform.
    return placement;
  }
}

export const shelterReferenceResolvers = {
  Victim: victimStubReference,
  Shelter: {
    __resolveReference(reference: { id?: unknown }, context: VictimAccessAskingContext) {
      if (typeof reference.id !== "string") return null;
      return perRequest(
        context,
        "shelters.byId",
        () =>
          new DataLoader<string, Shelter | null>(async (ids) => {
            const rows = await context.db.getRepository(Shelter).findBy({ id: In([...ids]) });
            const byId = new Map(rows.map((row) => [row.id, row]));
            return ids.map((id) => byId.get(id) ?? null);
          }),
      ).load(reference.id);
    },
  },
};
