/** Starting and stopping the hub's real processes from tests, with the hub's one launcher (platform/processes.ts). */
import path from "node:path";
import {
  DIST,
  launch,
  stopProcess,
  waitReady as waitProcessReady,
  type LaunchedProcess,
} from "../../platform/processes";

export { DIST, ROOT } from "../../platform/processes";

/** A process a test started; `output` keeps its last chunks of stdout and stderr. */
export type HubProcess = LaunchedProcess;

/**
 * `entry` relative to dist/. `detached`: the process leads a process group of its own,
 * so a test can kill it with all its children (`process.kill(-pid)`).
 */
export function spawnHubProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: { detached?: boolean } = {},
): HubProcess {
  return launch({ name, entry: path.join(DIST, entry), env, detached: options.detached });
}

/** Resolves when this start of the process answers `url` (its /ready) with its own nonce. */
export function waitReady(url: string, hub: HubProcess, timeoutMs = 60_000): Promise<void> {
  return waitProcessReady(hub, url, { timeoutMs });
}

export function stopHubProcess(hub: HubProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  return stopProcess(hub, { signal });
}
