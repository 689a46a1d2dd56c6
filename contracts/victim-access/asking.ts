/**
 * The askers' side of `/internal/victim-access` (route.ts), for the shelters, embassies and
 * repatriation subgraphs: one batched question per request, or the answer a grant of this
 * request already holds (grant.ts). A subgraph of these lists `victimAccessAskingContext`
 * as its module's `requestContext` and types its resolvers' context as `VictimAccessAskingContext`.
 */
import DataLoader from "dataloader";
import { perRequest, type RequestContextHook, type SubgraphContext } from "../../platform/context";
import { notFound } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { ask, type AskingContext } from "../../platform/internal-api";
import { createVictimAccessGrants, GRANT_REQUEST_EXTENSION, GRANT_SEALER, MAX_GRANTS_PER_REQUEST } from "./grant";
import { factsFor, VICTIM_ACCESS, type VictimAccess } from "./route";

/** What an asking subgraph's request context holds besides the generic members. */
export interface GrantedVictimAccess {
  /** What the grants this request carries already answered: victim id → facts (visible people only). */
  grantedVictimAccess: ReadonlyMap<string, VictimAccess>;
}

export type VictimAccessAskingContext = SubgraphContext<GrantedVictimAccess>;

/**
 * The hook: opens the grants a request carries (in its `extensions`, put there by the
 * gateway) for this caller and request, keeping only the facts this subgraph may know.
 * Grants that do not verify are left out, so the people they name are asked about as usual.
 */
export const victimAccessAskingContext: RequestContextHook<GrantedVictimAccess> = ({
  name,
  serviceSecret,
  publicKeyOf,
  log,
}) => {
  // Only grants the victims subgraph's own key signed open (grant.ts); without its public key, none: this asks.
  const grants = createVictimAccessGrants(serviceSecret, { publicKey: publicKeyOf(GRANT_SEALER) });
  return ({ extensions, authorization, requestId }) => {
    const granted = new Map<string, VictimAccess>();
    const carried: unknown = (extensions as Record<string, unknown> | null | undefined)?.[GRANT_REQUEST_EXTENSION];
    if (Array.isArray(carried)) {
      for (const grant of carried.slice(0, MAX_GRANTS_PER_REQUEST)) {
        const visible = grants.open(grant, authorization, requestId);
        if (!visible) {
          log.warn({ requestId }, "a victim-access grant did not verify; asking the victims subgraph instead");
          continue;
        }
        for (const access of visible) granted.set(access.id, factsFor(name, access));
      }
    }
    return { grantedVictimAccess: granted };
  };
};

/**
 * Per-request loader: `load(id)` is what the caller may know of that victim, or null (not
 * visible). People a grant of this request already covers are answered from it; only the
 * others are asked about, in one batched question.
 */
export function victimAccessLoader(context: VictimAccessAskingContext): DataLoader<string, VictimAccess | null> {
  return perRequest(context, "victimAccess", () => {
    const loader = new DataLoader<string, VictimAccess | null>(
      async (ids) => {
        const answer = await ask(context, VICTIM_ACCESS, { ids: [...ids] });
        const visible = new Map(answer.visible.map((entry) => [entry.id, entry]));
        return ids.map((id) => visible.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    );
    // A grant holds facts read before this request's own writes: a mutation (which may have just withdrawn a
    // consent, in an earlier fetch of the same operation) always asks.
    if (context.operationKind === "query")
      for (const [id, access] of context.grantedVictimAccess) loader.prime(id, access);
    return loader;
  });
}

/** What the caller may know of a victim, or NOT_FOUND when it may not see them (as if absent). */
export async function requireVisibleVictim(
  context: VictimAccessAskingContext,
  victimId: string,
): Promise<VictimAccess> {
  const access = await victimAccessLoader(context).load(victimId);
  if (!access) throw notFound("Victim");
  return access;
}

/**
 * A reference to a victim from this subgraph's own records (a placement, a journey):
 * null unless the caller may see that person. Even the bare id is withheld, since the
 * gateway answers `victim { id }` without asking the victims subgraph at all.
 */
export async function visibleVictimStub(
  context: VictimAccessAskingContext,
  victimId: string,
): Promise<{ id: string } | null> {
  return (await victimAccessLoader(context).load(victimId)) ? { id: victimId } : null;
}

/**
 * `_entities` resolver for a subgraph that extends Victim: only the id is taken from the
 * representation; whether the caller may see anything is asked per field, above.
 */
export const victimStubReference = {
  __resolveReference(reference: { id?: unknown }): { id: string } | null {
    return typeof reference.id === "string" ? { id: reference.id } : null;
  },
};

export interface VisibleRecord<T> {
  record: T;
  /** What the caller may know of the person the record belongs to; null when the person is hidden but the record's own rule shows it. */
  access: VictimAccess | null;
}

/** The usual rule: a record is visible only with its person. */
export const withItsPerson = (_record: unknown, access: VictimAccess | null): boolean => access !== null;

/**
 * A record of this subgraph that belongs to a victim, found the one way that is no
 * existence oracle (platform/visible-record.ts): `load` reads it in one statement with
 * this subgraph's own record rule applied (null when missing or hidden); `visible` adds
 * the rules that need the person's facts (by default: the caller may see the person).
 * Missing, hidden and not-a-UUID: one statement, one question (asked even when there is
 * no record, about the id itself, which names nobody), NOT_FOUND.
 */
export async function findVisibleOfVictim<T extends { victimId: string }>(
  context: VictimAccessAskingContext,
  typeName: string,
  id: string,
  load: (id: string) => Promise<T | null>,
  visible: (record: T, access: VictimAccess | null) => boolean = withItsPerson,
): Promise<VisibleRecord<T>> {
  const record = isUuid(id) ? await load(id) : null;
  // Asked even when there is no record, about an id that names no person: the same question either way.
  const access = await victimAccessLoader(context).load(
    record?.victimId ?? (isUuid(id) ? id : "00000000-0000-0000-0000-000000000000"),
  );
  if (!record || !visible(record, access)) throw notFound(typeName);
  return { record, access };
}

/**
 * Whether the caller acts as the owner of this person's case (its organisation owns it, or it
 * is government), asked of the victims subgraph with the caller's own token: for a service
 * route's answer (the survivor's copy), which has no request context of its own. One question;
 * a person the caller may not see is false, as is one who does not exist.
 */
export async function actsAsCaseOwner(asking: AskingContext, victimId: string): Promise<boolean> {
  const answer = await ask(asking, VICTIM_ACCESS, { ids: [victimId] });
  return answer.visible.some((access) => access.id === victimId && access.actsAsOwner);
}
