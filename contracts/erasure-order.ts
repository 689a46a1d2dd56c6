/**
 * `POST /internal/erasure-order`: the victims subgraph's erasure worker orders every other
 * subgraph to erase what it holds about one person (platform/erasure.ts; answered from each
 * module's `erasure` by subgraphs/erasure-routes.ts). Asked on the victims subgraph's own
 * authority (a retry may come an hour after the request, when no caller token is valid):
 * the service credential and the hub's request signature (good once, within its window)
 * prove the victims process sent it; the actor travels for the audit entry only and
 * widens nothing. The answer says only "done", never what there was.
 */
import type { Role } from "../platform/auth/claims";
import { isRole } from "../platform/auth/claims";
import { isUuid } from "../platform/ids";
import { InvalidQuestion } from "../platform/internal-api";
import { RETENTION_ACTOR } from "../platform/retention";
import { contract } from "./route";

export interface ErasureOrder {
  /** The erasure request in the victims database (its outbox row). */
  erasureId: string;
  /** The person to erase. */
  victimId: string;
  /** Who asked for the erasure, for the audit entry: a caller, or the hub's retention job. */
  actor: { sub: string; org: string; role: Role | typeof RETENTION_ACTOR.role };
}

export interface ErasureConfirmation {
  confirmed: true;
}

// A token's `sub` and `org` as the token checks left them: non-empty, printable, bounded.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NAME = /^[^\u0000-\u001f\u007f]{1,500}$/;

function parseErasureOrder(body: unknown): ErasureOrder {
  const order = body as Partial<ErasureOrder> | null;
  const actor = order?.actor as Partial<ErasureOrder["actor"]> | undefined;
  if (
    !order ||
    !isUuid(order.erasureId) ||
    !isUuid(order.victimId) ||
    !actor ||
    typeof actor.sub !== "string" ||
    !NAME.test(actor.sub) ||
    typeof actor.org !== "string" ||
    !NAME.test(actor.org) ||
    !(
      isRole(actor.role) ||
      // The system role is the retention job's only (a closed case past its period), never a caller's.
      (actor.role === RETENTION_ACTOR.role && actor.sub === RETENTION_ACTOR.sub && actor.org === RETENTION_ACTOR.org)
    )
  )
    throw new InvalidQuestion("An erasure order names an erasure, a person and the actor who asked");
  return {
    erasureId: order.erasureId,
    victimId: order.victimId,
    actor: { sub: actor.sub, org: actor.org, role: actor.role },
  };
}

export const ERASURE_ORDER = contract<ErasureOrder, ErasureConfirmation>({
  path: "/internal/erasure-order",
  answeredBy: "every other subgraph",
  askers: ["victims"],
  parse: parseErasureOrder,
  authority: "asker",
});
