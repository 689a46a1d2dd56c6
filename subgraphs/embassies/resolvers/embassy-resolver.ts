import {
  type VictimAccessAskingContext,
  victimAccessLoader,
  victimStubReference,
} from "../../../contracts/victim-access/asking";
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { groupedLoader } from "../../../platform/batch-loaders";
import { connectionType, paginate } from "../../../platform/pagination";
import { Embassy } from "../entities/embassy";
import { NationalityVerification } from "../entities/nationality-verification";
import { TravelDocument } from "../entities/travel-document";
import { Victim } from "../entities/victim";

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
  number(@Root() document: TravelDocument): string {
    // Another country's embassy is refused before this runs: the policy's condition, run by the platform.
    return document.number;
  }
}

@Resolver(() => Victim)
export class VictimConsularResolver {
  @FieldResolver(() => NationalityVerification, { nullable: true })
  async nationalityVerification(
    @Root() victim: Victim,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<NationalityVerification | null> {
    if (!(await victimAccessLoader(context).load(victim.id))) return null;
    const all = await groupedLoader(context, NationalityVerification, "victimId", { requestedAt: "DESC" }).load(
      victim.id,
    );
    const { caller } = context;
    const mine =
      caller.role === "embassy" ? all.filter((verification) => verification.country === caller.country) : all;
    return mine[0] ?? null;
  }

  @FieldResolver(() => [TravelDocument], { nullable: true })
  async travelDocuments(@Root() victim: Victim, @Ctx() context: VictimAccessAskingContext): Promise<TravelDocument[]> {
    if (!(await victimAccessLoader(context).load(victim.id))) return [];
    const all = await groupedLoader(context, TravelDocument, "victimId", { issuedOn: "ASC" }).load(victim.id);
    const { caller } = context;
    return caller.role === "embassy" ? all.filter((document) => document.issuingCountry === caller.country) : all;
  }
}

export const embassyReferenceResolvers = {
  Victim: victimStubReference,
};
