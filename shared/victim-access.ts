/**
 * Asking the victims subgraph which victims the caller may see. The shelters, embassies
 * and repatriation subgraphs extend `Victim`; before they answer anything about one,
 * they ask its owner, with the caller's own token, in one batched call per request.
 * Nothing is cached across requests: a withdrawn consent or revoked referral counts at once.
 */
import DataLoader from "dataloader";
import { Agent, fetch } from "undici";
import { perRequest, type SubgraphContext } from "./context";
import { ErrorCode, hubError } from "./errors";

export const VICTIM_ACCESS_PATH = "/internal/victim-access";

export interface VictimAccess {
  id: string;
  /** The caller's organisation owns the case (or the caller is government). */
  actsAsOwner: boolean;
  nationality: string;
}

export interface VictimAccessAnswer {
  visible: VictimAccess[];
}

// Keep-alive connections to the victims subgraph: this call happens on every extension fetch.
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });

function accessUrl(victimsGraphqlUrl: string): string {
  return new URL(VICTIM_ACCESS_PATH, victimsGraphqlUrl).toString();
}

async function askVictimsSubgraph(context: SubgraphContext, ids: readonly string[]): Promise<Map<string, VictimAccess>> {
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(accessUrl(context.config.victimsUrl), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: context.authorization, "x-request-id": context.requestId },
      body: JSON.stringify({ ids }),
      dispatcher: agent,
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw hubError(ErrorCode.SERVICE_UNAVAILABLE, "The victims service is unavailable; access cannot be checked");
  }
  if (!response.ok) throw hubError(ErrorCode.SERVICE_UNAVAILABLE, "The victims service could not check access");
  const answer = (await response.json()) as VictimAccessAnswer;
  return new Map(answer.visible.map((entry) => [entry.id, entry]));
}

/** Per-request loader: `load(id)` is the caller's access to that victim, or null (not visible). */
export function victimAccessLoader(context: SubgraphContext): DataLoader<string, VictimAccess | null> {
  return perRequest(context, "victimAccess", () =>
    new DataLoader<string, VictimAccess | null>(async (ids) => {
      const visible = await askVictimsSubgraph(context, ids);
      return ids.map((id) => visible.get(id) ?? null);
    }, { maxBatchSize: 1000 }),
  );
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
