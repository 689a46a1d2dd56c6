/**
 * Referrals: the case owner (or government) grants one partner access to one case for
 * a purpose; the partner accepts or declines; the owner can revoke at any time, and the
 * partner's access ends on its next request (record rules read referrals live).
 * Status: PENDING → ACCEPTED | DECLINED; PENDING or ACCEPTED → REVOKED.
 */
import { auditedTransaction } from "../../../platform/audit/audit-log";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { EntityManager } from "typeorm";
import type { SubgraphContext } from "../../../platform/context";
import { ErrorCode, hubError } from "../../../platform/errors";
import { findVisible } from "../../../platform/visible-record";
import { Consent } from "../entities/consent";
import { ReferralStatus } from "../entities/enums";
import { Referral } from "../entities/referral";
import { Victim } from "../entities/victim";
import { ReferralInput } from "../inputs/case-inputs";
import { visibleVictimLoader } from "../loaders";
import { enforce } from "../policy";
import { addresseeOrg, lockCaseForWrite, whereVisible } from "../record-rules";
import { CONSENT_FOR_REFERRAL } from "./case-update-resolver";

const NEXT: Record<ReferralStatus, ReferralStatus[]> = {
  [ReferralStatus.PENDING]: [ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.REVOKED],
  [ReferralStatus.ACCEPTED]: [ReferralStatus.REVOKED],
  [ReferralStatus.DECLINED]: [],
  [ReferralStatus.REVOKED]: [],
};

/** States in which the addressee's access to the case has ended. */
const CLOSED: readonly ReferralStatus[] = [ReferralStatus.DECLINED, ReferralStatus.REVOKED];

function assertTransition(from: ReferralStatus, to: ReferralStatus): void {
  if (!NEXT[from].includes(to)) {
    const allowed = NEXT[from];
    throw hubError(
      ErrorCode.INVALID_TRANSITION,
      `The referral is ${from} and cannot become ${to}; ${allowed.length ? `it can become ${allowed.join(" or ")}` : "that state is final"}`,
      {
        currentState: from,
        allowedTransitions: allowed,
      },
    );
  }
}

/**
 * The referral, locked with its case, in one statement that also applies the rules: its
 * case must be visible to the caller, and to respond (`need: "addressee"`) it must be
 * addressed to the caller's organisation and role. Missing, of a hidden case, addressed
 * to someone else: the same NOT_FOUND at the same cost (no existence oracle). Then the
 * mutation's condition on what it found (`enforce`): the case's owner, or the addressee.
 */
async function lockReferral(
  manager: EntityManager,
  context: SubgraphContext,
  id: string,
  need: "owner" | "addressee",
  mutation: string,
): Promise<Referral> {
  const { caller } = context;
  const found = await findVisible("Referral", id, async (referralId) => {
    const query = manager
      .getRepository(Referral)
      .createQueryBuilder("ref")
      .innerJoin(Victim, "v", "v.id = ref.victim_id")
      .addSelect("v.owner_org", "case_owner_org")
      .where("ref.id = :referralId", { referralId })
      .setLock("pessimistic_write");
    whereVisible(query, caller, "v");
    if (need === "addressee")
      query.andWhere("ref.to_org = :toOrg AND ref.to_role = :toRole", {
        toOrg: addresseeOrg(caller),
        toRole: caller.role,
      });
    const { entities, raw } = await query.getRawAndEntities<{ case_owner_org: string }>();
    return entities[0] ? { referral: entities[0], ownerOrg: raw[0].case_owner_org } : null;
  });
  enforce(context, mutation, "Victim", { ownerOrg: found.ownerOrg });
  enforce(context, mutation, "Referral", found.referral);
  return found.referral;
}

async function setStatus(manager: EntityManager, referral: Referral, status: ReferralStatus): Promise<Referral> {
  assertTransition(referral.status, status);
  await manager
    .createQueryBuilder()
    .update(Referral)
    .set({ status, decidedAt: () => "now()" })
    .where("id = :id", { id: referral.id })
    .execute();
  return manager.getRepository(Referral).findOneByOrFail({ id: referral.id });
}

@Resolver(() => Referral)
export class ReferralResolver {
  @Query(() => [Referral], {
    description: "Referrals addressed to your organisation (pending first), so you can accept or decline them.",
  })
  referralsToMe(
    @Ctx() context: SubgraphContext,
    @Arg("status", () => ReferralStatus, { nullable: true }) status?: ReferralStatus | null,
  ): Promise<Referral[]> {
    const query = context.db
      .getRepository(Referral)
      .createQueryBuilder("r")
      .where("r.to_org = :org AND r.to_role = :role", { org: addresseeOrg(context.caller), role: context.caller.role })
      .orderBy("r.status = 'PENDING'", "DESC")
      .addOrderBy("r.created_at", "DESC")
      .limit(500);
    if (status) query.andWhere("r.status = :status", { status });
    return query.getMany();
  }

  @FieldResolver(() => String, { nullable: true })
  purpose(@Root() referral: Referral, @Ctx() context: SubgraphContext): string | null {
    const { caller } = context;
    const addressee = referral.toOrg === addresseeOrg(caller) && referral.toRole === caller.role;
    // The purpose describes the case; an addressee whose access ended (declined, revoked) reads no more of it.
    return addressee && CLOSED.includes(referral.status) ? null : referral.purpose;
  }

  @FieldResolver(() => Victim, {
    nullable: true,
    description: "The case referred; null once you may no longer see it.",
  })
  victim(@Root() referral: Referral, @Ctx() context: SubgraphContext): Promise<Victim | null> {
    return visibleVictimLoader(context).load(referral.victimId);
  }

  @Mutation(() => Referral, {
    description:
      "Refers a case to a partner (case owner or government). To a shelter it needs the survivor's shelter-sharing consent, to the repatriation agency repatriation consent (else CONSENT_REQUIRED).",
  })
  referCase(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("referral", () => ReferralInput) input: ReferralInput,
    @Ctx() context: SubgraphContext,
  ): Promise<Referral> {
    return auditedTransaction(context, async (manager) => {
      enforce(context, "Mutation.referCase", "Victim", await lockCaseForWrite(manager, context.caller, victimId));
      const needed = CONSENT_FOR_REFERRAL[input.toRole];
      if (needed && !(await manager.getRepository(Consent).existsBy({ victimId, kind: needed, granted: true }))) {
        throw hubError(
          ErrorCode.CONSENT_REQUIRED,
          `Referring to a ${input.toRole} needs the survivor's ${needed} consent; record it first`,
        );
      }
      const open = await manager
        .getRepository(Referral)
        .createQueryBuilder("r")
        .where("r.victim_id = :victimId AND r.to_org = :toOrg AND r.to_role = :toRole AND r.status IN (:...open)", {
          victimId,
          ...input,
          open: [ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
        })
        .getExists();
      if (open) throw hubError(ErrorCode.CONFLICT, `The case is already referred to ${input.toOrg}`);
      const created = await manager.save(
        manager.create(Referral, {
          victimId,
          toOrg: input.toOrg,
          toRole: input.toRole,
          purpose: input.purpose,
          status: ReferralStatus.PENDING,
          createdByOrg: context.caller.org,
          createdAt: new Date(),
          decidedAt: null,
        }),
      );
      return created;
    });
  }

  @Mutation(() => Referral, {
    description: "Withdraws a referral (case owner or government); the partner's access ends on its next request.",
  })
  revokeReferral(@Arg("id", () => ID) id: string, @Ctx() context: SubgraphContext): Promise<Referral> {
    return auditedTransaction(context, async (manager) =>
      setStatus(
        manager,
        await lockReferral(manager, context, id, "owner", "Mutation.revokeReferral"),
        ReferralStatus.REVOKED,
      ),
    );
  }

  @Mutation(() => Referral, { description: "Accepts or declines a referral addressed to your organisation." })
  respondToReferral(
    @Arg("id", () => ID) id: string,
    @Arg("accept") accept: boolean,
    @Ctx() context: SubgraphContext,
  ): Promise<Referral> {
    return auditedTransaction(context, async (manager) => {
      // Addressed to another organisation: as if it did not exist.
      const referral = await lockReferral(manager, context, id, "addressee", "Mutation.respondToReferral");
      return setStatus(manager, referral, accept ? ReferralStatus.ACCEPTED : ReferralStatus.DECLINED);
    });
  }
}
