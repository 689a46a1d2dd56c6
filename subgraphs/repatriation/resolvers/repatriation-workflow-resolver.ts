/**
 * Journeys home: opening a case, moving it through the state machine, planning legs,
 * and the history of every step. Each change locks the case row and re-checks the
 * state under the lock, so two partners making the same step at once get one success
 * and one INVALID_TRANSITION. Facts owned elsewhere — consent, nationality, case owner,
 * medical escort (victims), a valid travel document (embassies) — are asked of their
 * owners for this caller, never read from the request.
 */
import {
  findVisibleOfVictim,
  requireVisibleVictim,
  type VictimAccessAskingContext,
  victimAccessLoader,
} from "../../../contracts/victim-access/asking";
import { auditedTransaction } from "../../../platform/audit/audit-log";
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { EntityManager } from "typeorm";
import { groupedLoader } from "../../../platform/batch-loaders";
import { insertUnlessClash } from "../../../platform/database";
import { isErased } from "../../../platform/erasure";
import { ErrorCode, hubError, notFound } from "../../../platform/errors";
import { validTravelDocuments } from "../travel-readiness";
import { invalidField } from "../../../platform/validation";
import { JourneyLeg } from "../entities/journey-leg";
import { RepatriationCase, RepatriationStatus as S } from "../entities/repatriation-case";
import { RepatriationTransition } from "../entities/repatriation-transition";
import { JourneyLegInput, RepatriationRequestInput } from "../inputs/repatriation-inputs";
import { personRuleHolds, whereCaseVisible } from "../record-rules";
import { UNTIL_DEPARTURE, WHILE_PERSON_SHARED } from "../conditions";
import { enforce } from "../policy";
import { actorsOf, assertTransition } from "../state-machine";

/** Steps that move the person on: they need the survivor's repatriation consent to stand. */
const NEEDS_CONSENT: readonly S[] = [S.DOCUMENTS_PENDING, S.READY, S.TRAVEL_BOOKED, S.DEPARTED];

/** The case if the caller may see it (record rule in SQL, and the embassy only with its person); otherwise NOT_FOUND at the same cost (platform/visible-record.ts). */
async function visibleCase(context: VictimAccessAskingContext, id: string): Promise<RepatriationCase> {
  const load = (caseId: string) =>
    whereCaseVisible(
      context.db.getRepository(RepatriationCase).createQueryBuilder("c").where("c.id = :id", { id: caseId }),
      context.caller,
    ).getOne();
  const found = await findVisibleOfVictim(context, "RepatriationCase", id, load, (_record, access) =>
    personRuleHolds(context.caller, access),
  );
  return found.record;
}

/** INVALID_TRANSITION when the state machine has no such step; FORBIDDEN when the caller's parts may not make it. */
function assertStep(context: VictimAccessAskingContext, repatriationCase: RepatriationCase, to: S): void {
  assertTransition(repatriationCase.status, to);
  const actors = actorsOf(context.caller, repatriationCase);
  enforce(context, "Mutation.changeRepatriationStatus", "RepatriationStep", {
    from: repatriationCase.status,
    to,
    actors,
  });
}

/** The case seen visible a moment ago, locked for the change (under the SQL rule again: a concurrent change cannot widen it). */
async function lockedCase(
  manager: EntityManager,
  context: VictimAccessAskingContext,
  id: string,
): Promise<RepatriationCase> {
  const locked = await whereCaseVisible(
    manager.getRepository(RepatriationCase).createQueryBuilder("c").where("c.id = :id", { id }),
    context.caller,
  )
    .setLock("pessimistic_write")
    .getOne();
  if (!locked) throw notFound("RepatriationCase");
  return locked;
}

/**
 * A person this subgraph erased (its erasure_log: data it owns) takes no new personal data: the
 * erasure order is carried out once and a re-delivered one is a no-op, so a journey leg or an
 * escort need written afterwards could never be erased. Asked after the record rule (NOT_FOUND)
 * and only of a case the caller may see, so it is no oracle. Status steps carry none and stay open.
 */
async function refuseErasedPerson(manager: EntityManager, victimId: string): Promise<void> {
  if (await isErased(manager, victimId))
    throw hubError(ErrorCode.CONFLICT, "The person's data was erased: the case takes no new personal data");
}

async function recordStep(
  manager: EntityManager,
  context: VictimAccessAskingContext,
  caseId: string,
  fromStatus: S | null,
  toStatus: S,
): Promise<void> {
  const { caller } = context;
  await manager.insert(RepatriationTransition, {
    caseId,
    fromStatus,
    toStatus,
    byOrg: caller.org,
    byRole: caller.role,
    bySub: caller.sub,
    at: new Date(),
  });
}

async function assertRepatriationConsent(context: VictimAccessAskingContext, victimId: string): Promise<void> {
  const victim = await victimAccessLoader(context).load(victimId);
  if (!victim?.consents.includes("REPATRIATION")) {
    throw hubError(
      ErrorCode.CONSENT_REQUIRED,
      "The survivor's REPATRIATION consent is not (or no longer) recorded; the journey cannot move on",
    );
  }
}

@Resolver(() => RepatriationCase)
export class RepatriationWorkflowResolver {
  @FieldResolver(() => [RepatriationTransition], {
    description: "Every step of the case, oldest first: which state, who, when.",
  })
  history(
    @Root() repatriationCase: RepatriationCase,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<RepatriationTransition[]> {
    return groupedLoader(context, RepatriationTransition, "caseId", { at: "ASC" }).load(repatriationCase.id);
  }

  @Mutation(() => RepatriationCase, {
    description:
      "Opens a journey home (case owner, government, repatriation agency). Needs the survivor's REPATRIATION consent (else CONSENT_REQUIRED); one open case per person (else CONFLICT). The destination is the person's nationality.",
  })
  async requestRepatriation(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("request", () => RepatriationRequestInput) input: RepatriationRequestInput,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<RepatriationCase> {
    const victim = await requireVisibleVictim(context, victimId);
    enforce(context, "Mutation.requestRepatriation", "Victim", victim);
    if (!victim.consents.includes("REPATRIATION"))
      throw hubError(
        ErrorCode.CONSENT_REQUIRED,
        "Repatriation needs the survivor's REPATRIATION consent; record it first",
      );
    const { ownerOrg, requiresMedicalEscort } = victim;
    if (ownerOrg === undefined || requiresMedicalEscort === undefined)
      throw new Error("the victims subgraph did not give the facts a repatriation case needs");
    return auditedTransaction(context, async (manager) => {
      await refuseErasedPerson(manager, victimId);
      const id = await insertUnlessClash(
        manager,
        RepatriationCase,
        {
          victimId,
          status: S.REQUESTED,
          destinationCountry: victim.nationality,
          caseOwnerOrg: ownerOrg,
          receivingOrganisation: input.receivingOrganisation,
          receivingOrgId: input.receivingOrgId ?? null,
          escortRequired: requiresMedicalEscort || Boolean(input.escortNeeds),
          escortNeeds: input.escortNeeds ?? (requiresMedicalEscort ? "Medical escort" : null),
        },
        "repatriation_case_one_open_per_victim",
        () => hubError(ErrorCode.CONFLICT, "The person already has an open repatriation case"),
      );
      await recordStep(manager, context, id, null, S.REQUESTED);
      return manager.getRepository(RepatriationCase).findOneByOrFail({ id });
    });
  }

  @Mutation(() => RepatriationCase, {
    description:
      "Moves a case to its next state. INVALID_TRANSITION (with currentState and allowedTransitions) when that state cannot follow; FORBIDDEN when you may not make that step; CONSENT_REQUIRED when repatriation consent was withdrawn; CONFLICT when READY lacks a valid travel document of the destination country or TRAVEL_BOOKED lacks a journey leg.",
  })
  async changeRepatriationStatus(
    @Arg("id", () => ID) id: string,
    @Arg("to", () => S) to: S,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<RepatriationCase> {
    // Check the step before asking other subgraphs anything; check again under the lock.
    const seen = await visibleCase(context, id);
    assertStep(context, seen, to);
    if (NEEDS_CONSENT.includes(to)) await assertRepatriationConsent(context, seen.victimId);
    if (to === S.READY) {
      const documents = await validTravelDocuments(context, seen.victimId);
      if (!documents.some((document) => document.issuingCountry === seen.destinationCountry)) {
        throw hubError(
          ErrorCode.CONFLICT,
          `The person holds no valid travel document of ${seen.destinationCountry}; the embassy must issue one first`,
        );
      }
    }
    return auditedTransaction(context, async (manager) => {
      const locked = await lockedCase(manager, context, id);
      assertStep(context, locked, to);
      if (to === S.TRAVEL_BOOKED && !(await manager.getRepository(JourneyLeg).existsBy({ caseId: id }))) {
        throw hubError(ErrorCode.CONFLICT, "Plan at least one journey leg before booking travel");
      }
      await manager.update(RepatriationCase, { id }, { status: to });
      await recordStep(manager, context, id, locked.status, to);
      return manager.getRepository(RepatriationCase).findOneByOrFail({ id });
    });
  }

  @Mutation(() => RepatriationCase, {
    description: "Adds the next leg of the journey (repatriation agency), until departure (else CONFLICT).",
  })
  async addJourneyLeg(
    @Arg("caseId", () => ID) caseId: string,
    @Arg("leg", () => JourneyLegInput) input: JourneyLegInput,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<RepatriationCase> {
    if (input.arrivesAt && new Date(input.arrivesAt) <= new Date(input.departsAt))
      throw invalidField("arrivesAt", "must be after departsAt");
    const visible = await visibleCase(context, caseId);
    // A journey is planned for a person the agency may see (a referral or the repatriation consent), as its
    // legs are shown (WHILE_PERSON_SHARED); an erased person is one it may not see, so it is refused the same
    // way, before the erasure is looked at: the answer does not tell erased from no longer shared.
    if (!WHILE_PERSON_SHARED.check(context.caller, await victimAccessLoader(context).load(visible.victimId)))
      throw hubError(
        ErrorCode.CONSENT_REQUIRED,
        "The person does not share their case with you: no leg can be planned",
      );
    return auditedTransaction(context, async (manager) => {
      const locked = await lockedCase(manager, context, caseId);
      await refuseErasedPerson(manager, locked.victimId);
      // A state of the case for whoever adds the leg (CONFLICT), not a refusal of one role: the condition's check itself.
      if (!UNTIL_DEPARTURE.check(context.caller, locked))
        throw hubError(ErrorCode.CONFLICT, `Legs can be planned only before departure; the case is ${locked.status}`);
      const [{ last }]: Array<{ last: number }> = await manager.query(
        "SELECT COALESCE(MAX(sequence), 0)::int AS last FROM journey_leg WHERE case_id = $1",
        [caseId],
      );
      await manager.insert(JourneyLeg, {
        caseId,
        sequence: last + 1,
        mode: input.mode,
        fromPlace: input.fromPlace,
        toPlace: input.toPlace,
        carrier: input.carrier ?? null,
        departsAt: new Date(input.departsAt),
        arrivesAt: input.arrivesAt ? new Date(input.arrivesAt) : null,
      });
      return manager.getRepository(RepatriationCase).findOneByOrFail({ id: caseId });
    });
  }
}
