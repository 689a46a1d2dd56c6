import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../../platform/context";
import { readWithGrantFacts, type VictimsContext } from "../victim-access";
import { ErrorCode, hubError, notFound } from "../../../platform/errors";
import { connectionType, paginate } from "../../../platform/pagination";
import { Consent } from "../entities/consent";
import { NrmStatus } from "../entities/enums";
import { Referral } from "../entities/referral";
import { Victim } from "../entities/victim";
import { consentsLoader, referralsLoader, visibleVictimLoader } from "../loaders";
import { whereVisible } from "../record-rules";

export const { ConnectionType: VictimConnection } = connectionType(Victim, "Victim");

@InputType({ description: "Narrows a list of victims; all given conditions must hold." })
export class VictimFilter {
  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2 nationality." })
  nationality?: string | null;

  @Field(() => NrmStatus, { nullable: true })
  nrmStatus?: NrmStatus | null;
}

const COUNTRY = /^[A-Z]{2}$/;

/** Lists of victims page by case number (unique, indexed, what partners quote). */
const BY_CASE_NUMBER = {
  keyColumn: "v.case_number",
  keyKind: "text",
  keyOf: (victim: Victim) => victim.caseNumber,
} as const;

@Resolver(() => Victim)
export class VictimResolver {
  @Query(() => Victim, {
    nullable: true,
    description: "One case by id. A case you may not see answers exactly like one that does not exist.",
  })
  async victim(@Arg("id", () => ID) id: string, @Ctx() context: SubgraphContext): Promise<Victim> {
    const victim = await visibleVictimLoader(context).load(id);
    if (!victim) throw notFound("Victim");
    return victim;
  }

  @Query(() => VictimConnection, { nullable: true, description: "The cases you may see, ordered by case number." })
  victims(
    @Ctx() context: VictimsContext,
    @Arg("filter", () => VictimFilter, { nullable: true }) filter?: VictimFilter | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const query = whereVisible(context.db.getRepository(Victim).createQueryBuilder("v"), context.caller);
    if (filter?.nationality)
      query.andWhere("v.nationality = :nationality", { nationality: filter.nationality.toUpperCase() });
    if (filter?.nrmStatus) query.andWhere("v.nrm_status = :nrmStatus", { nrmStatus: filter.nrmStatus });
    return paginate(query, { first, after, ...BY_CASE_NUMBER, read: (page) => readWithGrantFacts(context, page) });
  }

  @Query(() => VictimConnection, {
    nullable: true,
    description:
      "An embassy's nationals who consented to consular contact (embassies: their own country; government: the country given).",
  })
  nationals(
    @Ctx() context: VictimsContext,
    @Arg("country", () => String, { nullable: true }) country?: string | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const { caller } = context;
    const wanted = caller.role === "embassy" ? caller.country : country?.toUpperCase();
    if (!wanted || !COUNTRY.test(wanted))
      throw hubError(ErrorCode.BAD_USER_INPUT, "`country` must be an ISO 3166-1 alpha-2 code");
    if (caller.role === "embassy" && country && country.toUpperCase() !== caller.country) {
      throw hubError(ErrorCode.FORBIDDEN, "An embassy may only list the nationals of its own country");
    }
    const query = whereVisible(context.db.getRepository(Victim).createQueryBuilder("v"), caller).andWhere(
      "v.nationality = :wanted",
      { wanted },
    );
    return paginate(query, { first, after, ...BY_CASE_NUMBER, read: (page) => readWithGrantFacts(context, page) });
  }

  @FieldResolver(() => ID)
  id(@Root() victim: Victim, @Ctx() context: VictimsContext): string {
    // The people a response names, when the gateway asked for a victim-access grant (../victim-access.ts).
    context.grantFor?.add(victim.id);
    return victim.id;
  }

  @FieldResolver(() => String, { nullable: true })
  testimony(@Root() victim: Victim): string | null {
    // Within an NGO, only the owning organisation reads the testimony: the policy's condition, run by the platform.
    return victim.testimony;
  }

  @FieldResolver(() => [Consent], { nullable: true })
  consents(@Root() victim: Victim, @Ctx() context: SubgraphContext): Promise<Consent[]> {
    return consentsLoader(context).load(victim.id);
  }

  @FieldResolver(() => [Referral], { nullable: true })
  referrals(@Root() victim: Victim, @Ctx() context: SubgraphContext): Promise<Referral[]> {
    return referralsLoader(context).load(victim.id);
  }
}

/** `_entities` for Victim: batched, through the same record rule; trusts nothing but the id. */
export const victimReferenceResolvers = {
  Victim: {
    async __resolveReference(reference: { id?: unknown }, context: SubgraphContext): Promise<Victim | null> {
      if (typeof reference.id !== "string") return null;
      const victim = await visibleVictimLoader(context).load(reference.id);
      // Asking for a person one may not see is a refused access to that record.
      if (!victim) context.audit.noteRead("DENIED", "_entities", reference.id, undefined);
      return victim;
    },
  },
};
