/** Starting and stopping the hub's real processes from tests. */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const DIST = path.join(ROOT, "dist");

export interface HubProcess {
  name: string;
  child: ChildProcess;
  output: string[];
}

/** `detached`: the process leads a process group of its own, so a test can kill it with all its children (`process.kill(-pid)`). */
export function spawnHubProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: { detached?: boolean } = {},
): HubProcess {
  const child = spawn(process.execPath, [path.join(DIST, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { name, child, output };
}

export async function waitReady(url: string, hub: HubProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hub.child.exitCode !== null) throw new Error(`${hub.name} exited during start:\n${hub.output.join("")}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${hub.name} not ready after ${timeoutMs} ms:\n${hub.output.join("")}`);
}

export function stopHubProcess(hub: HubProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  return new Promise((resolve) => {
    if (hub.child.exitCode !== null) return resolve(hub.child.exitCode);
    const timer = setTimeout(() => hub.child.kill("SIGKILL"), 10_000);
    hub.child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    hub.child.kill(signal);
  });
}
