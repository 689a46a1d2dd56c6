import {
  type VictimAccessAskingContext,
  victimAccessLoader,
  victimStubReference,
  visibleVictimStub,
} from "../../../contracts/victim-access/asking";
import DataLoader from "dataloader";
import { Arg, Ctx, Field, FieldResolver, InputType, Int, Query, Resolver, Root } from "type-graphql";
import { groupedLoader } from "../../../platform/batch-loaders";
import { isUuid } from "../../../platform/ids";
import { perRequest } from "../../../platform/context";
import { connectionType, paginate } from "../../../platform/pagination";
import { JourneyLeg } from "../entities/journey-leg";
import { RepatriationCase, RepatriationStatus } from "../entities/repatriation-case";
import { Victim } from "../entities/victim";
import { personRuleHolds, whereCaseVisible, whereEmbassySeesThePerson } from "../record-rules";

export const { ConnectionType: RepatriationCaseConnection } = connectionType(RepatriationCase, "RepatriationCase");

@InputType()
export class RepatriationCaseFilter {
  @Field(() => RepatriationStatus, { nullable: true })
  status?: RepatriationStatus | null;

  @Field(() => String, { nullable: true })
  destinationCountry?: string | null;
}

/** Latest visible case per victim: one statement per batch, record rule inside. */
function latestCaseLoader(context: VictimAccessAskingContext) {
  return perRequest(
    context,
    "repatriation.latestCase",
    () =>
      new DataLoader<string, RepatriationCase | null>(async (victimIds) => {
        const query = context.db
          .getRepository(RepatriationCase)
          .createQueryBuilder("c")
          .distinctOn(["c.victim_id"])
          .where("c.victim_id IN (:...victimIds)", { victimIds: [...victimIds] })
          .orderBy("c.victim_id")
          .addOrderBy("c.requested_at", "DESC");
        const rows = await whereCaseVisible(query, context.caller).getMany();
        const byVictim = new Map(rows.map((row) => [row.victimId, row]));
        return victimIds.map((id) => byVictim.get(id) ?? null);
      }),
  );
}

@Resolver(() => RepatriationCase)
export class RepatriationCaseResolver {
  @Query(() => RepatriationCaseConnection, {
    nullable: true,
    description: "Repatriation cases you may see, ordered by id.",
  })
  async repatriationCases(
    @Ctx() context: VictimAccessAskingContext,
    @Arg("filter", () => RepatriationCaseFilter, { nullable: true }) filter?: RepatriationCaseFilter | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const query = whereCaseVisible(context.db.getRepository(RepatriationCase).createQueryBuilder("c"), context.caller);
    if (filter?.status) query.andWhere("c.status = :status", { status: filter.status });
    if (filter?.destinationCountry)
      query.andWhere("c.destination_country = :destination", { destination: filter.destinationCountry.toUpperCase() });
    await whereEmbassySeesThePerson(query, context);
    return paginate(query, {
      first,
      after,
      keyColumn: "c.id",
      keyKind: "uuid",
      keyOf: (repatriationCase) => repatriationCase.id,
    });
  }

  @FieldResolver(() => [JourneyLeg])
  journeyLegs(
    @Root() repatriationCase: RepatriationCase,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<JourneyLeg[]> {
    return groupedLoader(context, JourneyLeg, "caseId", { sequence: "ASC" }).load(repatriationCase.id);
  }

  @FieldResolver(() => Victim, {
    nullable: true,
    // Nullable: one hidden person must not wipe out a whole list by null propagation.
    description: "The person travelling; null when the victims subgraph's record rules hide them from you.",
  })
  victim(
    @Root() repatriationCase: RepatriationCase,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<Victim | null> {
    return visibleVictimStub(context, repatriationCase.victimId);
  }
}

@Resolver(() => Victim)
export class VictimRepatriationResolver {
  @FieldResolver(() => RepatriationCase, { nullable: true })
  async repatriation(
    @Root() victim: Victim,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<RepatriationCase | null> {
    if (!(await victimAccessLoader(context).load(victim.id))) return null;
    return latestCaseLoader(context).load(victim.id);
  }
}

export const repatriationReferenceResolvers = {
  Victim: victimStubReference,
  // `_entities` for RepatriationCase: only the id is taken from the representation, and the case is answered only under the record rule.
  RepatriationCase: {
    async __resolveReference(
      reference: { id?: unknown },
      context: VictimAccessAskingContext,
    ): Promise<RepatriationCase | null> {
      if (!isUuid(reference.id)) return null;
      const found = await perRequest(
        context,
        "repatriation.caseById",
        () =>
          new DataLoader<string, RepatriationCase | null>(async (ids) => {
            const rows = await whereCaseVisible(
              context.db
                .getRepository(RepatriationCase)
                .createQueryBuilder("c")
                .where("c.id IN (:...ids)", { ids: [...ids] }),
              context.caller,
            ).getMany();
            const byId = new Map(rows.map((row) => [row.id, row]));
            return ids.map((id) => byId.get(id) ?? null);
          }),
      ).load(reference.id);
      if (!found) return null;
      return personRuleHolds(context.caller, await victimAccessLoader(context).load(found.victimId)) ? found : null;
    },
  },
};
