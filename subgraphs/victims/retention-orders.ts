/**
 * The victims subgraph's answers to the other subgraphs' retention jobs
 * (docs/data-lifecycle.md, "Closed cases and whole-person erasure" and "Legal holds"):
 *
 * - `legal-holds` (contracts/legal-holds.ts): which of the asked people are under a standing
 *   hold. The hold is the victims subgraph's; the others learn it here, on every run, so a
 *   hold placed a second ago counts on the next run and a subgraph holds no copy to go stale.
 * - `closed-journeys` (contracts/closed-journeys.ts): the people whose repatriation closed
 *   before the end of its period. Each gets the erasure a request starts (enqueueErasure),
 *   under the retention job's actor, unless a hold stands: the victims subgraph stays the one
 *   authority that decides an erasure, and a hold is checked where it is kept, under the case's lock.
 */
import { GraphQLError } from "graphql";
import type { DataSource, EntityManager } from "typeorm";
import { CLOSED_JOURNEYS } from "../../contracts/closed-journeys";
import { LEGAL_HOLDS } from "../../contracts/legal-holds";
import { ErrorCode } from "../../platform/errors";
import { answerOrder } from "../../platform/internal-api";
import { RETENTION_ACTOR } from "../../platform/retention";
import { enqueueErasure } from "./erasure";

/** The asked people under a standing hold (a lifted hold no longer holds anything). */
export async function heldVictims(db: DataSource | EntityManager, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows: Array<{ victim_id: string }> = await db.query(
    `SELECT DISTINCT victim_id FROM legal_hold WHERE victim_id = ANY($1::uuid[]) AND lifted_at IS NULL`,
    [ids],
  );
  return new Set(rows.map((row) => row.victim_id));
}

export const legalHoldsRoute = answerOrder(LEGAL_HOLDS, async ({ request, db }) => ({
  held: [...(await heldVictims(db, request.ids))].sort(),
}));

function isCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof GraphQLError && error.extensions.code === code;
}

export const closedJourneysRoute = answerOrder(CLOSED_JOURNEYS, async ({ request, db, requestId, scrub }) => {
  const taken: string[] = [];
  const held: string[] = [];
  let erasedNow = false;
  // The reason names the kind and its period, never anything about the person.
  const reason = `retention:${request.kind}: repatriation closed before ${request.cutoff} (period ${request.days} days)`;
  // One transaction per person: a hold on one never stops another's erasure.
  for (const victimId of request.victimIds) {
    try {
      const enqueued = await db.transaction((manager) =>
        enqueueErasure(manager, { victimId, reason, actor: RETENTION_ACTOR, requestId }),
      );
      erasedNow ||= enqueued.created;
      taken.push(victimId);
    } catch (error) {
      if (isCode(error, ErrorCode.LEGAL_HOLD)) held.push(victimId);
      // No case here: nothing of the person for the victims subgraph to erase or hold;
      // the repatriation job erases its own details.
      else if (isCode(error, ErrorCode.NOT_FOUND)) taken.push(victimId);
      else throw error;
    }
  }
  if (erasedNow) scrub();
  return { taken, held };
});
