/**
 * `POST /internal/closed-journeys`: the repatriation subgraph's retention job tells the
 * victims subgraph "these people's journeys closed (ARRIVED or CANCELLED) before `cutoff`,
 * the end of the `kind` period of `days` days" (subgraphs/repatriation/retention.ts). The
 * victims subgraph stays the only one that decides an erasure: for each person it starts the
 * same durable erasure a request does (enqueueErasure: tombstone, outbox to every subgraph,
 * audit, scrub) under the retention job's actor, unless a legal hold stands; a person erased
 * before is taken again (idempotent). The answer says which people it took and which it held
 * back; the repatriation job marks only the taken ones done, so a fact victims did not take
 * (down, held) is handed over again at the next run.
 *
 * On repatriation's own authority (no caller: the job runs alone); repatriation only asks it.
 * The credential and the signature (good once) prove the sender; nothing in the order widens
 * what anyone may read, and the answer only repeats ids the asker sent.
 */
import { isUuid } from "../platform/ids";
import { InvalidQuestion, MAX_IDS_PER_QUESTION } from "../platform/internal-api";
import { contract } from "./route";

export interface ClosedJourneysOrder {
  /** The retention kind that found them due (a fixed snake_case word): named in the erasure's reason. */
  kind: string;
  /** Its period in days: named in the erasure's reason. */
  days: number;
  /** The journeys closed before this instant (ISO 8601). */
  cutoff: string;
  /** The people whose journeys closed before the cutoff. */
  victimIds: string[];
}

export interface ClosedJourneysAnswer {
  /** Erasure started now or before: the asker may mark these done. */
  taken: string[];
  /** Under a legal hold: nothing erased; asked again at the next run. */
  held: string[];
}

const KIND = /^[a-z][a-z0-9_]{0,62}$/;

function parseClosedJourneys(body: unknown): ClosedJourneysOrder {
  const order = body as Partial<ClosedJourneysOrder> | null;
  const cutoff = typeof order?.cutoff === "string" ? Date.parse(order.cutoff) : NaN;
  if (
    !order ||
    typeof order.kind !== "string" ||
    !KIND.test(order.kind) ||
    !Number.isInteger(order.days) ||
    (order.days as number) < 1 ||
    !Number.isFinite(cutoff) ||
    // A cutoff in the future would erase journeys whose period is not over.
    cutoff > Date.now() ||
    !Array.isArray(order.victimIds) ||
    order.victimIds.length > MAX_IDS_PER_QUESTION ||
    !order.victimIds.every(isUuid)
  )
    throw new InvalidQuestion(
      `A closed-journeys order names a retention kind, its period in days, a past cutoff and at most ${MAX_IDS_PER_QUESTION} person ids`,
    );
  return {
    kind: order.kind,
    days: order.days as number,
    cutoff: new Date(cutoff).toISOString(),
    victimIds: [...new Set(order.victimIds)],
  };
}

export const CLOSED_JOURNEYS = contract<ClosedJourneysOrder, ClosedJourneysAnswer>({
  path: "/internal/closed-journeys",
  answeredBy: "victims",
  askers: ["repatriation"],
  parse: parseClosedJourneys,
  authority: "asker",
});
