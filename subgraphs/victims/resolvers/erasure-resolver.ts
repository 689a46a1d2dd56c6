/**
 * Erasure on request and government's legal hold (docs/data-lifecycle.md). Each mutation
 * finds the case under the record rule every read uses (a case the caller may not see is
 * NOT_FOUND, like a missing one), then its policy (FORBIDDEN for a referred NGO that does
 * not own the case), and only then the hold (LEGAL_HOLD): a hold is never an answer to a
 * caller that may not see the case, or may see it but not erase it.
 */
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { EntityManager } from "typeorm";
import { auditedTransaction } from "../../../platform/audit/audit-log";
import { groupedLoader } from "../../../platform/batch-loaders";
import type { SubgraphContext } from "../../../platform/context";
import { ErrorCode, hubError } from "../../../platform/errors";
import { ErasureDelivery, ErasureRequest, ErasureStatus, LegalHold } from "../entities/erasure";
import { Victim } from "../entities/victim";
import { enqueueErasure } from "../erasure";
import { enforce } from "../policy";
import { lockCaseForWrite } from "../record-rules";

/** A reason is a short statement of the legal basis: required, bounded. */
function reasonOf(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 3 || trimmed.length > 500)
    throw hubError(ErrorCode.BAD_USER_INPUT, "reason must be 3 to 500 characters", { field: "reason" });
  return trimmed;
}

async function erasureRequestOf(manager: EntityManager, erasureId: string): Promise<ErasureRequest> {
  const request = await manager.getRepository(ErasureRequest).findOneByOrFail({ id: erasureId });
  return withDeliveries(
    request,
    await manager.getRepository(ErasureDelivery).find({ where: { erasureId }, order: { subgraph: "ASC" } }),
  );
}

function withDeliveries(request: ErasureRequest, deliveries: ErasureDelivery[]): ErasureRequest {
  request.deliveries = deliveries.map((delivery) =>
    Object.assign(delivery, { nextAttemptAt: delivery.confirmedAt ? null : delivery.nextAttemptAt }),
  );
  request.status = request.completedAt ? ErasureStatus.COMPLETE : ErasureStatus.IN_PROGRESS;
  return request;
}

function standingHold(manager: EntityManager, victimId: string): Promise<LegalHold | null> {
  return manager
    .getRepository(LegalHold)
    .createQueryBuilder("h")
    .where("h.victim_id = :victimId AND h.lifted_at IS NULL", { victimId })
    .getOne();
}

@Resolver(() => Victim)
export class ErasureResolver {
  @Mutation(() => ErasureRequest, {
    description:
      "Erases a case on request (case owner, government): its personal data in every subgraph, keeping a tombstone for statistics. Idempotent: asking again answers the first request. Refused with LEGAL_HOLD while a government legal hold stands. Follow it with Victim.erasure.",
  })
  async requestErasure(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("reason") reason: string,
    @Ctx() context: SubgraphContext,
  ): Promise<ErasureRequest> {
    const result = await auditedTransaction(context, async (manager) => {
      const victim = await lockCaseForWrite(manager, context.caller, victimId, { erased: "allow" });
      enforce(context, "Mutation.requestErasure", "Victim", victim);
      const { erasureId, created } = await enqueueErasure(manager, {
        victimId,
        reason: reasonOf(reason),
        actor: { sub: context.caller.sub, org: context.caller.org, role: context.caller.role },
        requestId: context.requestId,
      });
      return { request: await erasureRequestOf(manager, erasureId), created };
    });
    // After the commit: the erased values leave the files with the next scrub.
    if (result.created) context.erasureScrubber.schedule();
    return result.request;
  }

  @Mutation(() => LegalHold, {
    description:
      "Places a legal hold on a case (government only): erasure is refused while it stands. A case holds at most one standing hold.",
  })
  placeLegalHold(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("reason") reason: string,
    @Ctx() context: SubgraphContext,
  ): Promise<LegalHold> {
    return auditedTransaction(context, async (manager) => {
      const victim = await lockCaseForWrite(manager, context.caller, victimId, { erased: "allow" });
      enforce(context, "Mutation.placeLegalHold", "Victim", victim);
      if (victim.erasedAt) throw hubError(ErrorCode.CONFLICT, "The case was erased: there is nothing left to hold");
      if (await standingHold(manager, victimId))
        throw hubError(ErrorCode.CONFLICT, "A legal hold already stands on this case");
      const [{ id }]: Array<{ id: string }> = await manager.query(
        `INSERT INTO legal_hold (victim_id, reason, placed_by_org, placed_by_sub) VALUES ($1, $2, $3, $4) RETURNING id`,
        [victimId, reasonOf(reason), context.caller.org, context.caller.sub],
      );
      return manager.getRepository(LegalHold).findOneByOrFail({ id });
    });
  }

  @Mutation(() => LegalHold, {
    description: "Lifts the standing legal hold of a case (government only), with the reason.",
  })
  liftLegalHold(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("reason") reason: string,
    @Ctx() context: SubgraphContext,
  ): Promise<LegalHold> {
    return auditedTransaction(context, async (manager) => {
      const victim = await lockCaseForWrite(manager, context.caller, victimId, { erased: "allow" });
      enforce(context, "Mutation.liftLegalHold", "Victim", victim);
      const hold = await standingHold(manager, victimId);
      if (!hold) throw hubError(ErrorCode.CONFLICT, "No legal hold stands on this case");
      await manager.query(
        `UPDATE legal_hold SET lifted_at = now(), lifted_by_org = $2, lifted_by_sub = $3, lift_reason = $4 WHERE id = $1`,
        [hold.id, context.caller.org, context.caller.sub, reasonOf(reason)],
      );
      return manager.getRepository(LegalHold).findOneByOrFail({ id: hold.id });
    });
  }

  @FieldResolver(() => ErasureRequest, {
    nullable: true,
    description: "The erasure requested for this case and which subgraphs confirmed it; null if none was requested.",
  })
  async erasure(@Root() victim: Victim, @Ctx() context: SubgraphContext): Promise<ErasureRequest | null> {
    const [request] = await groupedLoader(context, ErasureRequest, "victimId", { requestedAt: "ASC" }).load(victim.id);
    if (!request) return null;
    const deliveries = await groupedLoader(context, ErasureDelivery, "erasureId", { subgraph: "ASC" }).load(request.id);
    return withDeliveries(request, deliveries);
  }

  @FieldResolver(() => LegalHold, {
    nullable: true,
    description: "The legal hold standing on this case, if any (government, and the case owner without its reason).",
  })
  async legalHold(@Root() victim: Victim, @Ctx() context: SubgraphContext): Promise<LegalHold | null> {
    const holds = await groupedLoader(context, LegalHold, "victimId", { placedAt: "DESC" }).load(victim.id);
    return holds.find((hold) => hold.liftedAt === null) ?? null;
  }
}
