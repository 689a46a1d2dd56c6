/**
 * The gateway's part in victim-access grants (contracts/victim-access/grant.ts): when
 * a request's plan fetches from the victims subgraph and also from another, the victims
 * fetch is asked for a grant, and the grants it returns ride along (in the GraphQL
 * request's `extensions`) with the later fetches of the same request. The gateway holds
 * no key: it can neither make nor change a grant, and never passes one to the client.
 */
import type { Experimental_DidResolveQueryPlanCallback } from "@apollo/gateway";
import { VICTIM_ACCESS } from "../contracts/victim-access/route";
import type { GatewayContext } from "./context";

type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]["queryPlan"];
type PlanNode = NonNullable<QueryPlan["node"]>;

/** The subgraph that seals grants: the one answering victim access. */
const VICTIMS = VICTIM_ACCESS.answeredBy[0];

/** The subgraphs a plan fetches from. */
function servicesOf(node: PlanNode | undefined, into = new Set<string>()): Set<string> {
  if (!node) return into;
  switch (node.kind) {
    case "Fetch":
      into.add(node.serviceName);
      break;
    case "Sequence":
    case "Parallel":
      for (const child of node.nodes) servicesOf(child, into);
      break;
    case "Flatten":
      servicesOf(node.node, into);
      break;
    case "Condition":
      servicesOf(node.ifClause, into);
      servicesOf(node.elseClause, into);
      break;
    case "Defer":
      servicesOf(node.primary.node, into);
      for (const deferred of node.deferred) servicesOf(deferred.node, into);
      break;
    case "Subscription":
      servicesOf(node.primary, into);
      servicesOf(node.rest, into);
      break;
  }
  return into;
}

// Plans are cached by the gateway, so each is looked at once.
const decided = new WeakMap<QueryPlan, boolean>();

/** Whether a plan's later fetches could use a grant from its victims fetch. */
export function planWantsGrant(queryPlan: QueryPlan): boolean {
  let wants = decided.get(queryPlan);
  if (wants === undefined) {
    const services = servicesOf(queryPlan.node);
    wants = services.has(VICTIMS) && services.size > 1;
    decided.set(queryPlan, wants);
  }
  return wants;
}

/** `experimental_didResolveQueryPlan`: marks the request before any fetch is sent. */
export const markGrantWanted: Experimental_DidResolveQueryPlanCallback = ({ queryPlan, requestContext }) => {
  const context = requestContext.context as Partial<GatewayContext>;
  // Queries only: a mutation's later fetches must see what its earlier ones wrote (a withdrawn consent).
  if (context.victimAccessGrants)
    context.wantsVictimAccessGrant = requestContext.operation?.operation === "query" && planWantsGrant(queryPlan);
};

export function isVictimsSubgraph(name: string): boolean {
  return name === VICTIMS;
}
