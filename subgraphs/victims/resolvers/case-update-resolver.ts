/**
 * Changing a case: details (with optimistic concurrency), the NRM decision, consents.
 * Each runs in one transaction with the case row locked, so concurrent writers queue
 * and a stale version is refused rather than overwritten.
 */
import { appendAuditEntries, auditedTransaction } from "../../../platform/audit/audit-log";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import type { EntityManager } from "typeorm";
import type { SubgraphContext } from "../../../platform/context";
import { ErrorCode, hubError } from "../../../platform/errors";
import { Consent } from "../entities/consent";
import { ConsentKind, NrmDecision, NrmStatus, ReferralRole, ReferralStatus } from "../entities/enums";
import { Referral } from "../entities/referral";
import { IDENTITY_DOCUMENT_MATCH, Victim } from "../entities/victim";
import { ConsentInput, NrmDecisionInput } from "../inputs/case-inputs";
import { UpdateVictimInput } from "../inputs/victim-inputs";
import { enforce } from "../policy";
import { lockCaseForWrite } from "../record-rules";

/** Referrals that need a consent, and stop when it is withdrawn. */
export const CONSENT_FOR_REFERRAL: Partial<Record<ReferralRole, ConsentKind>> = {
  [ReferralRole.SHELTER]: ConsentKind.SHELTER_SHARING,
  [ReferralRole.REPATRIATION]: ConsentKind.REPATRIATION,
};

/**
 * Withdraws one consent of a case (if it stands) and ends the referrals that needed it, in
 * the caller's transaction. Returns whether a standing consent was withdrawn.
 */
async function withdrawConsent(
  manager: EntityManager,
  context: SubgraphContext,
  victimId: string,
  kind: ConsentKind,
): Promise<boolean> {
  const withdrawn: unknown[] = await manager.query(
    `UPDATE consent SET granted = false, recorded_by_org = $3, recorded_by = $4, recorded_by_role = $5, recorded_at = now() WHERE victim_id = $1 AND kind = $2 AND granted RETURNING id`,
    [victimId, kind, context.caller.org, context.caller.sub, context.caller.role],
  );
  await revokeReferralsNeeding(manager, victimId, kind);
  return Array.isArray(withdrawn[0]) ? (withdrawn[0] as unknown[]).length > 0 : withdrawn.length > 0;
}

async function revokeReferralsNeeding(manager: EntityManager, victimId: string, kind: ConsentKind): Promise<void> {
  const roles = Object.entries(CONSENT_FOR_REFERRAL)
    .filter(([, needed]) => needed === kind)
    .map(([role]) => role);
  if (roles.length === 0) return;
  await manager
    .createQueryBuilder()
    .update(Referral)
    .set({ status: ReferralStatus.REVOKED, decidedAt: () => "now()" })
    .where("victim_id = :victimId AND to_role IN (:...roles) AND status IN (:...open)", {
      victimId,
      roles,
      open: [ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
    })
    .execute();
}

/** Consents given for a country: a change of nationality withdraws them (no case moves to another embassy without a new consent). */
const CONSENTS_FOR_A_COUNTRY: ConsentKind[] = [ConsentKind.CONSULAR_CONTACT];

function reload(manager: EntityManager, id: string): Promise<Victim> {
  return manager.getRepository(Victim).findOneByOrFail({ id });
}

@Resolver(() => Victim)
export class CaseUpdateResolver {
  @Mutation(() => Victim, {
    description:
      "Changes a case. Send the `version` you read: if someone changed the case since, you get CONFLICT with the current version, and nothing is overwritten.",
  })
  updateVictim(
    @Arg("id", () => ID) id: string,
    @Arg("version", () => Int) version: number,
    @Arg("changes", () => UpdateVictimInput) changes: UpdateVictimInput,
    @Ctx() context: SubgraphContext,
  ): Promise<Victim> {
    return auditedTransaction(context, async (manager) => {
      const victim = await lockCaseForWrite(manager, context.caller, id);
      enforce(context, "Mutation.updateVictim", "Victim", victim);
      if (victim.version !== version) {
        throw hubError(
          ErrorCode.CONFLICT,
          `The case changed since you read it (you sent version ${version}, it is now ${victim.version}); read it again and reapply your change`,
          {
            currentVersion: victim.version,
          },
        );
      }
      const set: Partial<Victim> = {};
      for (const [key, value] of Object.entries(changes) as Array<[keyof UpdateVictimInput, unknown]>) {
        if (value === undefined) continue;
        (set as Record<string, unknown>)[key] =
          key === "rescuedAt" && typeof value === "string" ? new Date(value) : value;
      }
      // The keyed hash follows the number it matches (the number itself is encrypted by its column).
      if (set.identityDocumentNumber !== undefined)
        set.identityDocumentHash = IDENTITY_DOCUMENT_MATCH.hashNullable(set.identityDocumentNumber);
      // The version column and updated_at advance with every update (TypeORM adds both).
      await manager.createQueryBuilder().update(Victim).set(set).where("id = :id", { id }).execute();
      if (set.nationality !== undefined && set.nationality !== victim.nationality) {
        for (const kind of CONSENTS_FOR_A_COUNTRY) {
          if (await withdrawConsent(manager, context, id, kind)) {
            // Recorded as the consent decision it is, in the same transaction as the change that caused it.
            await appendAuditEntries(manager, [
              context.audit.entry(
                "WRITE",
                "recordConsent",
                "ALLOWED",
                [id],
                ["consent.granted", "consent.kind", "nationality"],
              ),
            ]);
          }
        }
      }
      return reload(manager, id);
    });
  }

  @Mutation(() => Victim, {
    description:
      "Records the NRM decision (government only): IDENTIFIED or NOT_IDENTIFIED, the date and the deciding team.",
  })
  identifyVictim(
    @Arg("id", () => ID) id: string,
    @Arg("decision", () => NrmDecisionInput) input: NrmDecisionInput,
    @Ctx() context: SubgraphContext,
  ): Promise<Victim> {
    return auditedTransaction(context, async (manager) => {
      enforce(context, "Mutation.identifyVictim", "Victim", await lockCaseForWrite(manager, context.caller, id));
      const identified = input.decision === NrmDecision.IDENTIFIED;
      await manager
        .createQueryBuilder()
        .update(Victim)
        .set({
          nrmStatus: identified ? NrmStatus.IDENTIFIED : NrmStatus.NOT_IDENTIFIED,
          identifiedAt: identified ? new Date(`${input.decidedOn}T00:00:00Z`) : null,
          nrmDecidedBy: input.decidingTeam,
        })
        .where("id = :id", { id })
        .execute();
      return reload(manager, id);
    });
  }

  @Mutation(() => Consent, {
    description:
      "Records the survivor's consent to one kind of sharing, with who recorded it and when. Withdrawing takes effect on the next request, and ends the referrals that needed it.",
  })
  recordConsent(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("consent", () => ConsentInput) input: ConsentInput,
    @Ctx() context: SubgraphContext,
  ): Promise<Consent> {
    return auditedTransaction(context, async (manager) => {
      const victim = await lockCaseForWrite(manager, context.caller, victimId);
      enforce(context, "Mutation.recordConsent", "Victim", victim);
      // Consular contact is for the embassy of the person's nationality now, and names it.
      const country = CONSENTS_FOR_A_COUNTRY.includes(input.kind) ? victim.nationality : null;
      await manager
        .createQueryBuilder()
        .insert()
        .into(Consent)
        .values({
          victimId,
          kind: input.kind,
          granted: input.granted,
          country,
          recordedByOrg: context.caller.org,
          recordedBy: context.caller.sub,
          recordedByRole: context.caller.role,
          recordedAt: () => "now()",
        })
        .orUpdate(
          ["granted", "country", "recorded_by_org", "recorded_by", "recorded_by_role", "recorded_at"],
          ["victim_id", "kind"],
        )
        .execute();
      if (!input.granted) await revokeReferralsNeeding(manager, victimId, input.kind);
      return manager.getRepository(Consent).findOneByOrFail({ victimId, kind: input.kind });
    });
  }
}

/** What a consent shows of who recorded it: organisation and role to all who may read it; the person only to their own organisation. */
@Resolver(() => Consent)
export class ConsentResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Person (token subject) who recorded the decision: shown only to readers of the same organisation (others see recordedByOrg and recordedByRole).",
  })
  recordedBy(@Root() consent: Consent): string | null {
    // Null for readers of another organisation: the policy's condition, run by the platform (conditions.ts).
    return consent.recordedBy;
  }
}
