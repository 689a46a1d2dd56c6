import {
  type VictimAccessAskingContext,
  victimAccessLoader,
  victimStubReference,
} from "../../../contracts/victim-access/asking";
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from "type-graphql";
import { groupedLoader } from "../../../platform/batch-loaders";
import { connectionType, paginate } from "../../../platform/pagination";
import { columnsFor } from "../../../platform/selection";
import { expiredTravelDocumentRetention, expiredTravelDocumentSince } from "../retention";
import { Embassy } from "../entities/embassy";
import { NationalityVerification } from "../entities/nationality-verification";
import { TravelDocument } from "../entities/travel-document";
import { Victim } from "../entities/victim";
import { embassiesPolicy } from "../policy";

export const { ConnectionType: EmbassyConnection } = connectionType(Embassy, "Embassy");

@Resolver(() => Embassy)
export class EmbassyResolver {
  @Query(() => EmbassyConnection, { nullable: true, description: "The embassies taking part, ordered by id." })
  embassies(
    @Ctx() context: VictimAccessAskingContext,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const query = context.db.getRepository(Embassy).createQueryBuilder("e");
    return paginate(query, { first, after, keyColumn: "e.id", keyKind: "text", keyOf: (embassy) => embassy.id });
  }
}

@Resolver(() => TravelDocument)
export class TravelDocumentResolver {
  @FieldResolver(() => String, { nullable: true })
  number(@Root() document: TravelDocument, @Ctx() context: VictimAccessAskingContext): string | null {
    // Another country's embassy is refused before this runs: the policy's condition, run by the platform.
    // Past its period the number reads as the retention run leaves it, gone, to all but government, even
    // while a legal hold keeps it: the one number still shown among the erased would say "held".
    if (
      context.caller.role !== "government" &&
      context.retention.pastPeriod(expiredTravelDocumentRetention.name, expiredTravelDocumentSince(document.expiresOn))
    )
      return null;
    return document.number;
  }
}

/** The columns of a Victim's verifications or documents the selection needs (platform/selection.ts). */
function columnsOf(
  context: VictimAccessAskingContext,
  info: GraphQLResolveInfo,
  entity: typeof NationalityVerification | typeof TravelDocument,
  always: readonly string[],
): string[] | undefined {
  return columnsFor(info, context.db.getMetadata(entity), {
    typeName: entity.name,
    policy: embassiesPolicy,
    always,
    // A number is shown only within its retention period, counted from the expiry day.
    reads: { number: ["number", "expiresOn"] },
  });
}

@Resolver(() => Victim)
export class VictimConsularResolver {
  @FieldResolver(() => NationalityVerification, { nullable: true })
  async nationalityVerification(
    @Root() victim: Victim,
    @Ctx() context: VictimAccessAskingContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<NationalityVerification | null> {
    if (!(await victimAccessLoader(context).load(victim.id))) return null;
    // The embassy's own are picked by country, the latest by when it was asked.
    const columns = columnsOf(context, info, NationalityVerification, ["country", "requestedAt"]);
    const all = await groupedLoader(
      context,
      NationalityVerification,
      "victimId",
      { requestedAt: "DESC" },
      columns,
    ).load(victim.id);
    const { caller } = context;
    const mine =
      caller.role === "embassy" ? all.filter((verification) => verification.country === caller.country) : all;
    return mine[0] ?? null;
  }

  @FieldResolver(() => [TravelDocument], { nullable: true })
  async travelDocuments(
    @Root() victim: Victim,
    @Ctx() context: VictimAccessAskingContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TravelDocument[]> {
    if (!(await victimAccessLoader(context).load(victim.id))) return [];
    // An embassy's own are picked by the issuing country.
    const columns = columnsOf(context, info, TravelDocument, ["issuingCountry"]);
    const all = await groupedLoader(context, TravelDocument, "victimId", { issuedOn: "ASC" }, columns).load(victim.id);
    const { caller } = context;
    return caller.role === "embassy" ? all.filter((document) => document.issuingCountry === caller.country) : all;
  }
}

export const embassyReferenceResolvers = {
  Victim: victimStubReference,
};
