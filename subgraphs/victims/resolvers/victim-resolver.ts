import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Field, FieldResolver, ID, Info, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../../platform/context";
import { readWithGrantFacts, type VictimsContext } from "../victim-access";
import { ErrorCode, hubError, notFound } from "../../../platform/errors";
import { connectionType, paginate } from "../../../platform/pagination";
import { Consent } from "../entities/consent";
import { NrmStatus } from "../entities/enums";
import { Referral } from "../entities/referral";
import { Victim } from "../entities/victim";
import { consentsLoader, referralsLoader, victimColumns, visibleVictimLoader } from "../loaders";
import { selectColumns } from "../../../platform/selection";
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

/** `text` matched literally at the start of a LIKE pattern (its wildcards and the escape escaped). */
const likePrefix = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** Lists of victims page by case number (unique, indexed, what partners quote). */
const BY_CASE_NUMBER = {
  keyColumn: "v.case_number",
  keyKind: "text",
  keyOf: (victim: Victim) => victim.caseNumber,
} as const;

/** The columns a page of victims needs for what is selected of its nodes. */
const page = (context: SubgraphContext, info: GraphQLResolveInfo | undefined) =>
  info ? victimColumns(context, info, ["edges", "node"]) : undefined;

@Resolver(() => Victim)
export class VictimResolver {
  @Query(() => Victim, {
    nullable: true,
    description: "One case by id. A case you may not see answers exactly like one that does not exist.",
  })
  async victim(
    @Arg("id", () => ID) id: string,
    @Ctx() context: SubgraphContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Victim> {
    const victim = await visibleVictimLoader(context, victimColumns(context, info)).load(id);
    if (!victim) throw notFound("Victim");
    return victim;
  }

  @Query(() => VictimConnection, { nullable: true, description: "The cases you may see, ordered by case number." })
  victims(
    @Ctx() context: VictimsContext,
    @Arg("filter", () => VictimFilter, { nullable: true }) filter?: VictimFilter | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Info() info?: GraphQLResolveInfo,
  ) {
    const query = whereVisible(
      selectColumns(context.db.getRepository(Victim).createQueryBuilder("v"), page(context, info)),
      context.caller,
    );
    if (filter?.nationality)
      query.andWhere("v.nationality = :nationality", { nationality: filter.nationality.toUpperCase() });
    if (filter?.nrmStatus) query.andWhere("v.nrm_status = :nrmStatus", { nrmStatus: filter.nrmStatus });
    return paginate(query, { first, after, ...BY_CASE_NUMBER, read: (page) => readWithGrantFacts(context, page) });
  }

  @Query(() => VictimConnection, {
    nullable: true,
    description:
      "A country's nationals. For an embassy: its own country's nationals who consented to consular contact. For government: every national of the country given, with or without that consent (government sees every case).",
  })
  nationals(
    @Ctx() context: VictimsContext,
    @Arg("country", () => String, { nullable: true }) country?: string | null,
    @Arg("caseNumber", () => String, {
      nullable: true,
      description: "Only cases whose case number starts with this (letters in any case).",
    })
    caseNumber?: string | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Info() info?: GraphQLResolveInfo,
  ) {
    const { caller } = context;
    const wanted = caller.role === "embassy" ? caller.country : country?.toUpperCase();
    if (!wanted || !COUNTRY.test(wanted))
      throw hubError(ErrorCode.BAD_USER_INPUT, "`country` must be an ISO 3166-1 alpha-2 code");
    if (caller.role === "embassy" && country && country.toUpperCase() !== caller.country) {
      throw hubError(ErrorCode.FORBIDDEN, "An embassy may only list the nationals of its own country");
    }
    const query = whereVisible(
      selectColumns(context.db.getRepository(Victim).createQueryBuilder("v"), page(context, info)),
      caller,
    ).andWhere("v.nationality = :wanted", { wanted });
    // Within the people the record rule shows: a search finds nothing the list would not.
    if (caseNumber)
      query.andWhere("v.case_number LIKE :prefix ESCAPE '\\'", { prefix: `${likePrefix(caseNumber.toUpperCase())}%` });
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
    async __resolveReference(
      reference: { id?: unknown },
      context: SubgraphContext,
      // @apollo/subgraph passes `_entities`' info third; its resolver map types that place as the context.
      info: unknown,
    ): Promise<Victim | null> {
      if (typeof reference.id !== "string") return null;
      // What is selected `... on Victim` under `_entities`.
      const columns = victimColumns(context, info as GraphQLResolveInfo);
      const victim = await visibleVictimLoader(context, columns).load(reference.id);
      // Asking for a person one may not see is a refused access to that record.
      if (!victim) context.audit.noteRead("DENIED", "_entities", reference.id, undefined);
      return victim;
    },
  },
};
