import fs from "node:fs";
import type { SubgraphName } from "../../shared/config";

export const TEST_PORTS: Record<SubgraphName | "gateway", number> = {
  gateway: Number(process.env.TEST_GATEWAY_PORT ?? 14100),
  victims: 14101,
  shelters: 14102,
  embassies: 14103,
  repatriation: 14104,
};

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
