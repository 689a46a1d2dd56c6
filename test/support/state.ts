import fs from "node:fs";
import { portBlock, type HubPorts } from "../../platform/config";
import { SUBGRAPHS, type SubgraphName } from "../../subgraphs/index";

/**
 * Every port a test listens on is TEST_PORT_BASE plus a fixed offset, so two checkouts can
 * run their suites side by side on one machine (each with its own base).
 */
export const TEST_PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 14100);

/** The port `offset` above the base: 0 to the number of subgraphs are the shared hub; above, each file's own, never shared by two files of one tier (up to 129; the benchmark starts at +500). */
export function testPort(offset: number): number {
  return TEST_PORT_BASE + offset;
}

/** The shared test hub's ports: the gateway on the base, the subgraphs of the list on the next ones. */
export const TEST_HUB_PORTS: HubPorts = portBlock(SUBGRAPHS, testPort(0));

export const TEST_PORTS = {
  gateway: TEST_HUB_PORTS.gateway,
  ...TEST_HUB_PORTS.subgraphs,
} as Record<SubgraphName | "gateway", number>;

export interface TestHubState {
  env: Record<string, string>;
  databaseUrls: Record<string, string>;
  tmpDir: string;
  usingServer: boolean;
}

export function hubState(): TestHubState {
  const file = process.env.HUB_TEST_STATE;
  if (!file) throw new Error("HUB_TEST_STATE is not set: run the tests through jest (globalSetup)");
  return JSON.parse(fs.readFileSync(file, "utf8")) as TestHubState;
}

/** The URL of `database` on the server `serverUrl` points at. */
export function databaseUrlOn(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
