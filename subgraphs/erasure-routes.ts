/**
 * The erasure order every subgraph but the victims subgraph answers
 * (contracts/erasure-order.ts): modules.ts adds it to each module's routes, answered with
 * the module's own `erasure`, so no subgraph can be left out of an erasure. The order is
 * the victims subgraph's (credential and signature checked by mountRoute); what it may do
 * is only erase, once (a repeated order is a no-op), and the answer says nothing but done.
 */
import { ERASURE_ORDER } from "../contracts/erasure-order";
import { eraseSubjectIn, type SubgraphErasure } from "../platform/erasure";
import { answerOrder, type RouteAnswer } from "../platform/internal-api";

export function erasureOrderRoute(erasure: SubgraphErasure): RouteAnswer {
  return answerOrder(ERASURE_ORDER, async ({ request, db, requestId, scrub }) => {
    const outcome = await db.transaction((manager) =>
      eraseSubjectIn(manager, erasure, { subjectId: request.victimId, actor: request.actor, requestId }),
    );
    if (outcome.erased) scrub();
    return { confirmed: true };
  });
}
