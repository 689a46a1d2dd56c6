import {
  type VictimAccessAskingContext,
  victimAccessLoader,
  victimStubReference,
  visibleVictimStub,
} from "../../../contracts/victim-access/asking";
import DataLoader from "dataloader";
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Field, FieldResolver, Info, InputType, Int, Query, Resolver, Root } from "type-graphql";
import { groupedLoader } from "../../../platform/batch-loaders";
import { isUuid } from "../../../platform/ids";
import { perRequest } from "../../../platform/context";
import { connectionType, paginate } from "../../../platform/pagination";
import { columnsFor, selectColumns } from "../../../platform/selection";
import { JourneyLeg } from "../entities/journey-leg";
import { RepatriationCase, RepatriationStatus } from "../entities/repatriation-case";
import { Victim } from "../entities/victim";
import { WHILE_PERSON_SHARED } from "../conditions";
import { enforce, repatriationPolicy } from "../policy";
import { fieldRule } from "../../../platform/policy/types";
import { personRuleHolds, whereCaseVisible, whereEmbassySeesThePerson } from "../record-rules";

export const { ConnectionType: RepatriationCaseConnection } = connectionType(RepatriationCase, "RepatriationCase");

@InputType()
export class RepatriationCaseFilter {
  @Field(() => RepatriationStatus, { nullable: true })
  status?: RepatriationStatus | null;

  @Field(() => String, { nullable: true })
  destinationCountry?: string | null;
}

/** The columns of RepatriationCase a read needs for its selection (platform/selection.ts). */
function caseColumns(
  context: VictimAccessAskingContext,
  info: GraphQLResolveInfo,
  path?: readonly string[],
): string[] | undefined {
  return columnsFor(info, context.db.getMetadata(RepatriationCase), {
    typeName: "RepatriationCase",
    policy: repatriationPolicy,
    path,
    // The latest case per person is picked by when it was requested.
    always: ["requestedAt"],
    // Field resolvers that load by the case's id (journeyLegs, history) or the person's (victim).
    // The person's part of the case asks first whether the caller may see the person (personPartShown).
    reads: {
      journeyLegs: ["id", "victimId"],
      history: ["id"],
      victim: ["victimId"],
      escortRequired: ["escortRequired", "victimId"],
      escortNeeds: ["escortNeeds", "victimId"],
      receivingOrganisation: ["receivingOrganisation", "victimId"],
      receivingOrgId: ["receivingOrgId", "victimId"],
    },
  });
}

/** Latest visible case per victim: one statement per batch, record rule inside; `columns` as `caseColumns` says. */
function latestCaseLoader(context: VictimAccessAskingContext, columns: readonly string[] | undefined) {
  return perRequest(
    context,
    `repatriation.latestCase:${columns?.join(",") ?? "*"}`,
    () =>
      new DataLoader<string, RepatriationCase | null>(async (victimIds) => {
        const query = selectColumns(context.db.getRepository(RepatriationCase).createQueryBuilder("c"), columns)
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

/**
 * Whether the caller's condition on `RepatriationCase.<field>` (WHILE_PERSON_SHARED, where its
 * role has one) holds for the case's person; `always`: the field carries a Victim field's rule,
 * which holds only on a person the caller may see, whatever its role (a derived field).
 */
async function personPartShown(
  context: VictimAccessAskingContext,
  repatriationCase: RepatriationCase,
  field: string,
  always = false,
): Promise<boolean> {
  const coordinate = `RepatriationCase.${field}`;
  if (!always && !fieldRule(repatriationPolicy, "RepatriationCase", field)?.conditions?.[context.caller.role])
    return true;
  const access = await victimAccessLoader(context).load(repatriationCase.victimId);
  return always
    ? WHILE_PERSON_SHARED.check(context.caller, access)
    : enforce.holds(context, coordinate, "Victim", access);
}

/** The case's `field` when personPartShown says so, else null. */
async function personPart<Field extends "receivingOrganisation" | "receivingOrgId" | "escortNeeds" | "escortRequired">(
  context: VictimAccessAskingContext,
  repatriationCase: RepatriationCase,
  field: Field,
  always = false,
): Promise<RepatriationCase[Field] | null> {
  return (await personPartShown(context, repatriationCase, field, always)) ? repatriationCase[field] : null;
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
    @Info() info?: GraphQLResolveInfo,
  ) {
    const columns = info ? caseColumns(context, info, ["edges", "node"]) : undefined;
    const query = whereCaseVisible(
      selectColumns(context.db.getRepository(RepatriationCase).createQueryBuilder("c"), columns),
      context.caller,
    );
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
  async journeyLegs(
    @Root() repatriationCase: RepatriationCase,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<JourneyLeg[]> {
    if (!(await personPartShown(context, repatriationCase, "journeyLegs"))) return [];
    return groupedLoader(context, JourneyLeg, "caseId", { sequence: "ASC" }).load(repatriationCase.id);
  }

  @FieldResolver(() => String, { nullable: true })
  receivingOrganisation(@Root() repatriationCase: RepatriationCase, @Ctx() context: VictimAccessAskingContext) {
    return personPart(context, repatriationCase, "receivingOrganisation");
  }

  @FieldResolver(() => String, { nullable: true })
  receivingOrgId(@Root() repatriationCase: RepatriationCase, @Ctx() context: VictimAccessAskingContext) {
    return personPart(context, repatriationCase, "receivingOrgId");
  }

  @FieldResolver(() => String, { nullable: true })
  escortNeeds(@Root() repatriationCase: RepatriationCase, @Ctx() context: VictimAccessAskingContext) {
    return personPart(context, repatriationCase, "escortNeeds");
  }

  @FieldResolver(() => Boolean, { nullable: true })
  escortRequired(@Root() repatriationCase: RepatriationCase, @Ctx() context: VictimAccessAskingContext) {
    return personPart(context, repatriationCase, "escortRequired", true);
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
    @Info() info: GraphQLResolveInfo,
  ): Promise<RepatriationCase | null> {
    if (!(await victimAccessLoader(context).load(victim.id))) return null;
    return latestCaseLoader(context, caseColumns(context, info)).load(victim.id);
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
