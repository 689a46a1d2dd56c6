/**
 * Changing a case: details (with optimistic concurrency), the NRM decision, consents.
 * Each runs in one transaction with the case row locked, so concurrent writers queue
 * and a stale version is refused rather than overwritten.
 */
import { auditedTransaction } from "../../../shared/audit/audit-log";
import { Arg, Ctx, ID, Int, Mutation, Resolver } from "type-graphql";
import type { EntityManager } from "typeorm";
import type { SubgraphContext } from "../../../shared/context";
import { ErrorCode, hubError } from "../../../shared/errors";
import { Consent } from "../entities/consent";
import { ConsentKind, NrmDecision, NrmStatus, ReferralRole, ReferralStatus } from "../entities/enums";
import { Referral } from "../entities/referral";
import { Victim } from "../entities/victim";
import { ConsentInput, NrmDecisionInput } from "../inputs/case-inputs";
import { UpdateVictimInput } from "../inputs/victim-inputs";
import { lockCaseForWrite } from "../record-rules";

/** Referrals that need a consent, and stop when it is withdrawn. */
export const CONSENT_FOR_REFERRAL: Partial<Record<ReferralRole, ConsentKind>> = {
  [ReferralRole.SHELTER]: ConsentKind.SHELTER_SHARING,
  [ReferralRole.REPATRIATION]: ConsentKind.REPATRIATION,
};

function reload(manager: EntityManager, id: string): Promise<Victim> {
  return manager.getRepository(Victim).findOneByOrFail({ id });
}

@Resolver(() => Victim)
export class CaseUpdateResolver {
  @Mutation(() => Victim, { description: "Changes a case. Send the `version` you read: if someone changed the case since, you get CONFLICT with the current version, and nothing is overwritten." })
  updateVictim(
    @Arg("id", () => ID) id: string,
    @Arg("version", () => Int) version: number,
    @Arg("changes", () => UpdateVictimInput) changes: UpdateVictimInput,
    @Ctx() context: SubgraphContext,
  ): Promise<Victim> {
    return auditedTransaction(context, async (manager) => {
      const victim = await lockCaseForWrite(manager, context.caller, id);
      if (victim.version !== version) {
        throw hubError(ErrorCode.CONFLICT, `The case changed since you read it (you sent version ${version}, it is now ${victim.version}); read it again and reapply your change`, {
          currentVersion: victim.version,
        });
      }
      const set: Partial<Victim> = {};
      for (const [key, value] of Object.entries(changes) as Array<[keyof UpdateVictimInput, unknown]>) {
        if (value === undefined) continue;
        (set as Record<string, unknown>)[key] = key === "rescuedAt" && typeof value === "string" ? new Date(value) : value;
      }
      // The version column and updated_at advance with every update (TypeORM adds both).
      await manager.createQueryBuilder().update(Victim).set(set).where("id = :id", { id }).execute();
      return reload(manager, id);
    });
  }

  @Mutation(() => Victim, { description: "Records the NRM decision (government only): IDENTIFIED or NOT_IDENTIFIED, the date and the deciding team." })
  identifyVictim(@Arg("id", () => ID) id: string, @Arg("decision", () => NrmDecisionInput) input: NrmDecisionInput, @Ctx() context: SubgraphContext): Promise<Victim> {
    return auditedTransaction(context, async (manager) => {
      await lockCaseForWrite(manager, context.caller, id);
      const identified = input.decision === NrmDecision.IDENTIFIED;
      await manager
        .createQueryBuilder()
        .update(Victim)
        .set({ nrmStatus: identified ? NrmStatus.IDENTIFIED : NrmStatus.NOT_IDENTIFIED, identifiedAt: identified ? new Date(`${input.decidedOn}T00:00:00Z`) : null, nrmDecidedBy: input.decidingTeam })
        .where("id = :id", { id })
        .execute();
      return reload(manager, id);
    });
  }

  @Mutation(() => Consent, {
    description: "Records the survivor's consent to one kind of sharing, with who recorded it and when. Withdrawing takes effect on the next request, and ends the referrals that needed it.",
  })
  recordConsent(@Arg("victimId", () => ID) victimId: string, @Arg("consent", () => ConsentInput) input: ConsentInput, @Ctx() context: SubgraphContext): Promise<Consent> {
    return auditedTransaction(context, async (manager) => {
      await lockCaseForWrite(manager, context.caller, victimId);
      await manager
        .createQueryBuilder()
        .insert()
        .into(Consent)
        .values({ victimId, kind: input.kind, granted: input.granted, recordedByOrg: context.caller.org, recordedBy: context.caller.sub, recordedAt: () => "now()" })
        .orUpdate(["granted", "recorded_by_org", "recorded_by", "recorded_at"], ["victim_id", "kind"])
        .execute();
      if (!input.granted) {
        const roles = Object.entries(CONSENT_FOR_REFERRAL).filter(([, kind]) => kind === input.kind).map(([role]) => role);
        if (roles.length > 0) {
          await manager
            .createQueryBuilder()
            .update(Referral)
            .set({ status: ReferralStatus.REVOKED, decidedAt: () => "now()" })
            .where("victim_id = :victimId AND to_role IN (:...roles) AND status IN (:...open)", { victimId, roles, open: [ReferralStatus.PENDING, ReferralStatus.ACCEPTED] })
            .execute();
        }
      }
      return manager.getRepository(Consent).findOneByOrFail({ victimId, kind: input.kind });
    });
  }
}
