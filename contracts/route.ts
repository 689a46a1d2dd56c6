/**
 * `contract()`: a service route between subgraphs, with the hub's subgraph names typed
 * (the platform takes them as strings). One file per route in this folder declares its
 * path, request and response types, who answers it, who may ask it and how its request
 * is parsed; the answering subgraph answers it with `answerRoute` (platform/internal-api.ts)
 * and the askers ask it with `ask`.
 */
import { defineRoute, type ServiceRoute } from "../platform/internal-api";
import { SUBGRAPHS, type SubgraphName } from "../subgraphs/index";

export interface Contract<Request, Response> extends ServiceRoute<Request, Response> {
  answeredBy: readonly SubgraphName[];
  askers: readonly SubgraphName[];
}

export function contract<Request, Response>(route: {
  path: `/internal/${string}`;
  answeredBy: SubgraphName | "every subgraph" | "every other subgraph";
  askers: readonly SubgraphName[];
  parse(body: unknown): Request;
  authority?: "caller" | "asker";
}): Contract<Request, Response> {
  const answeredBy =
    route.answeredBy === "every subgraph"
      ? SUBGRAPHS.map((s) => s.name)
      : route.answeredBy === "every other subgraph"
        ? SUBGRAPHS.map((s) => s.name).filter((name) => !route.askers.includes(name))
        : [route.answeredBy];
  return defineRoute<Request, Response>({ ...route, answeredBy }) as Contract<Request, Response>;
}
