/**
 * Erasure of a case on request (docs/data-lifecycle.md). The victims subgraph erases its
 * own part in the transaction that records the request (`enqueueErasure`), and its outbox
 * (`erasure_delivery`, one row per other subgraph) is delivered by the worker below, on the
 * victims subgraph's own authority (contracts/erasure-order.ts), retried with backoff
 * until each subgraph confirms — through a subgraph's outage and a restart of this one.
 *
 * The tombstone keeps: id, case number, nationality, NRM status, the dates statistics read
 * (rescue and identification, coarsened to the day), the age band (coarse by design: a
 * statistics dimension), the owner organisation (an access fact), the deciding team and
 * `erased_at`. Gender becomes UNDISCLOSED; every other personal field is null or empty.
 * Consents are withdrawn and open referrals revoked (nobody is to be shared a case that
 * holds nothing), and every referral's purpose (free text about the person) is erased.
 */
import type { EntityManager } from "typeorm";
import { appendAuditEntries, RequestAudit } from "../../platform/audit/audit-log";
import { ERASURE_ORDER } from "../../contracts/erasure-order";
import { eraseSubjectIn, type ErasureActor, type SubgraphErasure } from "../../platform/erasure";
import { ErrorCode, hubError, notFound } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { order } from "../../platform/internal-api";
import type { SubgraphWorkerStart } from "../../platform/subgraph-server";
import { ReferralStatus } from "./entities/enums";

export const victimsErasure: SubgraphErasure = {
  tables: ["victim", "consent", "referral"],
  async erase(manager, victimId) {
    await manager.query(
      `UPDATE victim SET preferred_name = NULL, languages = '{}', legal_name = NULL, date_of_birth = NULL,
              identity_document_number = NULL, identity_document_hash = NULL, rescue_location = NULL, medical_needs = NULL, psychosocial_needs = NULL,
              requires_medical_escort = false, testimony = NULL, family_contact = NULL, possible_duplicate_of = '{}',
              gender = 'UNDISCLOSED', rescued_at = date_trunc('day', rescued_at), identified_at = date_trunc('day', identified_at),
              erased_at = now(), version = version + 1, updated_at = now()
        WHERE id = $1`,
      [victimId],
    );
    // Other cases flagged as possible duplicates of this one: the match was on the erased identity.
    await manager.query(
      `UPDATE victim SET possible_duplicate_of = array_remove(possible_duplicate_of, $1::uuid) WHERE possible_duplicate_of @> ARRAY[$1::uuid]`,
      [victimId],
    );
    await manager.query(`UPDATE consent SET granted = false, recorded_at = now() WHERE victim_id = $1 AND granted`, [
      victimId,
    ]);
    await manager.query(
      `UPDATE referral SET purpose = NULL,
              status = CASE WHEN status IN ('${ReferralStatus.PENDING}', '${ReferralStatus.ACCEPTED}') THEN '${ReferralStatus.REVOKED}' ELSE status END,
              decided_at = CASE WHEN status IN ('${ReferralStatus.PENDING}', '${ReferralStatus.ACCEPTED}') THEN now() ELSE decided_at END
        WHERE victim_id = $1`,
      [victimId],
    );
    return [
      "Victim.preferredName",
      "Victim.languages",
      "Victim.legalName",
      "Victim.dateOfBirth",
      "Victim.identityDocumentNumber",
      "Victim.rescueLocation",
      "Victim.rescuedAt",
      "Victim.identifiedAt",
      "Victim.medicalNeeds",
      "Victim.psychosocialNeeds",
      "Victim.requiresMedicalEscort",
      "Victim.testimony",
      "Victim.familyContact",
      "Victim.possibleDuplicateOf",
      "Victim.gender",
      "Consent.granted",
      "Referral.purpose",
      "Referral.status",
    ];
  },
};

export interface ErasureEnqueued {
  erasureId: string;
  /** False when the case had been erased before: the request is the earlier one. */
  created: boolean;
}

/**
 * THE way an erasure starts, for a caller's request (requestErasure, after its record rule
 * and policy) and for the system's own (retention): locks the case, refuses while a legal
 * hold stands (LEGAL_HOLD), and — unless the case has an erasure request already, which it
 * returns (idempotent) — records the request, erases the victims subgraph's part and queues
 * an order per other subgraph, all in `manager`'s transaction. The caller schedules the scrub
 * (context.erasureScrubber) once it committed. Checks no caller's rights: the callers do.
 */
export async function enqueueErasure(
  manager: EntityManager,
  request: { victimId: string; reason: string; actor: ErasureActor; requestId: string },
): Promise<ErasureEnqueued> {
  const locked: unknown[] = isUuid(request.victimId)
    ? await manager.query(`SELECT id FROM victim WHERE id = $1 FOR UPDATE`, [request.victimId])
    : [];
  if (locked.length === 0) throw notFound("Victim");
  const existing: Array<{ id: string }> = await manager.query(`SELECT id FROM erasure_request WHERE victim_id = $1`, [
    request.victimId,
  ]);
  if (existing.length > 0) return { erasureId: existing[0].id, created: false };
  const holds: unknown[] = await manager.query(`SELECT 1 FROM legal_hold WHERE victim_id = $1 AND lifted_at IS NULL`, [
    request.victimId,
  ]);
  if (holds.length > 0)
    throw hubError(
      ErrorCode.LEGAL_HOLD,
      "A government legal hold stands on this case: it cannot be erased until the hold is lifted",
    );
  const [{ id }]: Array<{ id: string }> = await manager.query(
    `INSERT INTO erasure_request (victim_id, reason, requested_by_sub, requested_by_org, requested_by_role, request_id)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [request.victimId, request.reason, request.actor.sub, request.actor.org, request.actor.role, request.requestId],
  );
  await eraseSubjectIn(manager, victimsErasure, {
    subjectId: request.victimId,
    actor: request.actor,
    requestId: request.requestId,
  });
  await manager.query(`INSERT INTO erasure_delivery (erasure_id, subgraph) SELECT $1, unnest($2::text[])`, [
    id,
    [...ERASURE_ORDER.answeredBy],
  ]);
  return { erasureId: id, created: true };
}

/** Most orders one pass of the worker sends. */
const BATCH = 20;

interface DueDelivery {
  erasure_id: string;
  subgraph: string;
  attempts: number;
  victim_id: string;
  requested_by_sub: string;
  requested_by_org: string;
  requested_by_role: ErasureActor["role"];
  request_id: string;
}

/**
 * The outbox worker: every HUB_ERASURE_POLL_MS it claims the deliveries that are due (a
 * lease of twice the order's timeout, so replicas never send one twice at once and a worker
 * that died mid-send leaves it due again), sends each order, and marks it confirmed or due
 * again after a backoff (HUB_ERASURE_RETRY_BASE_MS doubling up to HUB_ERASURE_RETRY_MAX_MS).
 * A request whose every delivery is confirmed is complete, recorded in the audit trail.
 */
export const erasureOutboxWorker: SubgraphWorkerStart = ({ db, log, serviceClient, config }) => {
  let stopped = false;
  let pass: Promise<void> | undefined;

  async function deliverDue(): Promise<void> {
    const due: DueDelivery[] = await db.query(
      `UPDATE erasure_delivery d SET attempts = d.attempts + 1, next_attempt_at = now() + interval '20 seconds'
         FROM erasure_request r
        WHERE r.id = d.erasure_id
          AND (d.erasure_id, d.subgraph) IN (
                SELECT erasure_id, subgraph FROM erasure_delivery
                 WHERE confirmed_at IS NULL AND next_attempt_at <= now()
                 ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING d.erasure_id, d.subgraph, d.attempts, r.victim_id, r.requested_by_sub, r.requested_by_org, r.requested_by_role, r.request_id`,
    );
    // TypeORM's postgres driver answers an UPDATE … RETURNING as [rows, count].
    const rows = (Array.isArray(due[0]) ? due[0] : due) as unknown as DueDelivery[];
    await Promise.all(rows.map((delivery) => deliver(delivery)));
  }

  async function deliver(delivery: DueDelivery): Promise<void> {
    try {
      await order(
        serviceClient,
        ERASURE_ORDER,
        {
          erasureId: delivery.erasure_id,
          victimId: delivery.victim_id,
          actor: { sub: delivery.requested_by_sub, org: delivery.requested_by_org, role: delivery.requested_by_role },
        },
        delivery.subgraph,
        delivery.request_id,
      );
    } catch {
      const delayMs = Math.min(
        config.erasureRetryBaseMs * 2 ** Math.min(delivery.attempts - 1, 30),
        config.erasureRetryMaxMs,
      );
      await db.query(
        `UPDATE erasure_delivery SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), last_failure = 'unavailable'
          WHERE erasure_id = $1 AND subgraph = $2 AND confirmed_at IS NULL`,
        [delivery.erasure_id, delivery.subgraph, delayMs],
      );
      log.warn(
        { subgraph: delivery.subgraph, attempts: delivery.attempts, retryInMs: delayMs },
        "erasure order not delivered; retrying",
      );
      return;
    }
    await db.transaction(async (manager) => {
      // The request's row first: confirmations of one request (delivered at once, each in its own
      // transaction) then take turns, so the last one sees every other committed and completes it —
      // without the lock each could see the others unconfirmed and none would (a write skew).
      await manager.query(`SELECT id FROM erasure_request WHERE id = $1 FOR UPDATE`, [delivery.erasure_id]);
      await manager.query(
        `UPDATE erasure_delivery SET confirmed_at = now(), last_failure = NULL WHERE erasure_id = $1 AND subgraph = $2`,
        [delivery.erasure_id, delivery.subgraph],
      );
      const completed: unknown[] = await manager.query(
        `UPDATE erasure_request SET completed_at = now()
          WHERE id = $1 AND completed_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM erasure_delivery WHERE erasure_id = $1 AND confirmed_at IS NULL)
        RETURNING id`,
        [delivery.erasure_id],
      );
      const rows = Array.isArray(completed[0]) ? (completed[0] as unknown[]) : completed;
      if (rows.length > 0) {
        const audit = new RequestAudit(
          { sub: delivery.requested_by_sub, org: delivery.requested_by_org, role: delivery.requested_by_role },
          delivery.request_id,
        );
        audit.operation = "erasure";
        await appendAuditEntries(manager, [
          audit.entry("WRITE", "erasureCompleted", "ALLOWED", [delivery.victim_id], ["ErasureRequest.completedAt"]),
        ]);
      }
    });
  }

  const timer = setInterval(() => {
    if (stopped || pass) return;
    pass = deliverDue()
      .catch((error: Error) => log.warn({ err: error.message }, "erasure outbox pass failed; trying again"))
      .finally(() => (pass = undefined));
  }, config.erasurePollMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pass;
    },
  };
};
