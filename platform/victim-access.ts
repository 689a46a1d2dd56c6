/**
 * Asking the victims subgraph about victims. The shelters, embassies and repatriation
 * subgraphs extend `Victim`; before they answer or change anything about one, they ask
 * its owner (see internal-api.ts) which of the ids the caller may see, and the facts
 * their own rules need — ownership, nationality, consents, escort needs — in one
 * batched question per request — or from a grant the victims subgraph signed earlier in
 * the same request (auth/victim-access-grant.ts). Those facts never come from the client.
 */
import DataLoader from "dataloader";
import { GRANT_REQUEST_EXTENSION, MAX_GRANTS_PER_REQUEST, type VictimAccessGrants } from "./auth/victim-access-grant";
import type { SubgraphName } from "./config";
import { perRequest, type SubgraphContext } from "./context";
import { notFound } from "./errors";
import { askPeer } from "./internal-api";
import type { Logger } from "./logger";

export const VICTIM_ACCESS_PATH = "/internal/victim-access";

/** Consents the other subgraphs' rules depend on (mirrors the victims subgraph's ConsentKind). */
export type ConsentName = "CONSULAR_CONTACT" | "REPATRIATION" | "SHELTER_SHARING";

export interface VictimAccess {
  id: string;
  /** The caller's organisation owns the case (or the caller is government). */
  actsAsOwner: boolean;
  nationality: string;
  /** Consents currently granted, of the kinds the asking subgraph's rules need. */
  consents: ConsentName[];
  /** The organisation that owns the case: the repatriation subgraph only. */
  ownerOrg?: string;
  /** The repatriation subgraph only (a journey's escort). */
  requiresMedicalEscort?: boolean;
}

type Asker = Exclude<SubgraphName, "victims">;

/**
 * Least privilege between subgraphs: what each one's rules need to know about a person,
 * and nothing more. The victims subgraph answers each asker with these facts only, and a
 * subgraph opening a grant keeps only its own.
 */
export const VICTIM_FACTS_FOR: Record<Asker, { consents: readonly ConsentName[]; repatriationFacts: boolean }> = {
  shelters: { consents: [], repatriationFacts: false },
  embassies: { consents: ["CONSULAR_CONTACT"], repatriationFacts: false },
  repatriation: { consents: ["REPATRIATION"], repatriationFacts: true },
};

export const VICTIM_ACCESS_ASKERS = Object.keys(VICTIM_FACTS_FOR) as Asker[];

/** The facts `asker` may be told about a person (see VICTIM_FACTS_FOR). */
export function factsFor(asker: SubgraphName, access: VictimAccess): VictimAccess {
  const needs = VICTIM_FACTS_FOR[asker as Asker];
  if (!needs) throw new Error(`the ${asker} subgraph is told nothing about victims`);
  const facts: VictimAccess = {
    id: access.id,
    actsAsOwner: access.actsAsOwner,
    nationality: access.nationality,
    consents: access.consents.filter((consent) => needs.consents.includes(consent)),
  };
  if (needs.repatriationFacts) {
    facts.ownerOrg = access.ownerOrg;
    facts.requiresMedicalEscort = access.requiresMedicalEscort;
  }
  return facts;
}

export interface VictimAccessAnswer {
  visible: VictimAccess[];
}

/**
 * Per-request loader: `load(id)` is what the caller may know of that victim, or null (not
 * visible). People a grant of this request already covers are answered from it; only the
 * others are asked about, in one batched question.
 */
export function victimAccessLoader(context: SubgraphContext): DataLoader<string, VictimAccess | null> {
  return perRequest(context, "victimAccess", () => {
    const loader = new DataLoader<string, VictimAccess | null>(
      async (ids) => {
        const answer = await askPeer<VictimAccessAnswer>(context, "victims", VICTIM_ACCESS_PATH, { ids });
        const visible = new Map(answer.visible.map((entry) => [entry.id, entry]));
        return ids.map((id) => visible.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    );
    for (const [id, access] of context.grantedVictimAccess) loader.prime(id, access);
    return loader;
  });
}

/**
 * The facts the grants a request carries (in its `extensions`, put there by the gateway)
 * hold for this caller and request. Grants that do not verify are left out, so the
 * people they name are asked about as usual.
 */
export function openVictimAccessGrants(
  grants: VictimAccessGrants,
  extensions: unknown,
  authorization: string,
  requestId: string,
  self: SubgraphName,
  log: Logger,
): Map<string, VictimAccess> {
  const granted = new Map<string, VictimAccess>();
  const carried: unknown = (extensions as Record<string, unknown> | null | undefined)?.[GRANT_REQUEST_EXTENSION];
  if (!Array.isArray(carried)) return granted;
  for (const grant of carried.slice(0, MAX_GRANTS_PER_REQUEST)) {
    const visible = grants.open(grant, authorization, requestId);
    if (!visible) {
      log.warn({ requestId }, "a victim-access grant did not verify; asking the victims subgraph instead");
      continue;
    }
    for (const access of visible) granted.set(access.id, factsFor(self, access));
  }
  return granted;
}

/** What the caller may know of a victim, or NOT_FOUND when it may not see them (as if absent). */
export async function requireVisibleVictim(context: SubgraphContext, victimId: string): Promise<VictimAccess> {
  const access = await victimAccessLoader(context).load(victimId);
  if (!access) throw notFound("Victim");
  return access;
}

/**
 * A reference to a victim from this subgraph's own records (a placement, a journey):
 * null unless the caller may see that person. Even the bare id is withheld, since the
 * gateway answers `victim { id }` without asking the victims subgraph at all.
 */
export async function visibleVictimStub(context: SubgraphContext, victimId: string): Promise<{ id: string } | null> {
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
