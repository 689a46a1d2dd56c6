/**
 * The hub's subgraphs, one line each: its name (also its folder under subgraphs/) and
 * its default port, and whether its tables hold values encrypted at rest (it then needs the
 * data key ring, docs/encryption.md). Everything that lists subgraphs — configuration, composition, the
 * policies, start-up, the benchmark, the tests, the compose file — derives from this
 * list or is checked against it. A leaf module: it imports nothing, so any file may use it.
 */
export const SUBGRAPHS = [
  { name: "victims", port: 4001, encryptsData: true },
  { name: "shelters", port: 4002 },
  { name: "embassies", port: 4003, encryptsData: true },
  { name: "repatriation", port: 4004 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]["name"];

/** The names alone, in the list's order. */
export const SUBGRAPH_NAMES: readonly SubgraphName[] = SUBGRAPHS.map((subgraph) => subgraph.name);
