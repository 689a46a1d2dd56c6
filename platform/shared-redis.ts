/**
 * One process's connection to the Redis that its replicas share state through (REDIS_URL):
 * the gateway's rate limits (gateway/rate-limit.ts), the subgraphs' record of request
 * signatures already used (auth/replay-guard.ts). A shared store must never hold a request up
 * or crash a process: commands fail at once while disconnected and after a short timeout, the
 * caller then decides from its own memory, and the process says so — one warning per outage,
 * a gauge at 0, an info line and the gauge at 1 when Redis answers again (ioredis reconnects
 * by itself).
 */
import type { Gauge } from "prom-client";
import { Redis } from "ioredis";
import type { Logger } from "./logger";

/** A Redis slower than this counts as down for that request: shared state must not hold requests up. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** How long a starting process waits for Redis before it serves on its fallback. */
const REDIS_READY_WAIT_MS = 3000;

export interface SharedRedis {
  client: Redis;
  /** Whether Redis answered last (false while the caller falls back to memory). */
  reachable(): boolean;
  /** A command failed or timed out: say so once, until Redis answers again. */
  degrade(reason: string): void;
  /** A command succeeded on a connection that brought no "ready" event since the last failure. */
  restore(): void;
  close(): Promise<void>;
}

export async function connectSharedRedis(
  url: string,
  report: { log: Logger; shared: Gauge; down: string; up: string },
): Promise<SharedRedis> {
  let reachable = false;
  let degraded = false;
  const restore = () => {
    reachable = true;
    report.shared.set(1);
    if (degraded) report.log.info(report.up);
    degraded = false;
  };
  const degrade = (reason: string) => {
    reachable = false;
    report.shared.set(0);
    if (degraded) return;
    degraded = true;
    report.log.warn({ reason }, report.down);
  };
  const client = new Redis(url, {
    // Fail at once while disconnected (the fallback decides), never queue requests behind a reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // A stop during an outage waits this long for a socket that never opened (ioredis' default: 2 s).
    disconnectTimeout: 300,
  });
  report.shared.set(0);
  // An error event with no listener would crash the process; the code alone says what happened.
  client.on("error", (error: NodeJS.ErrnoException) => degrade(error.code ?? error.name));
  client.on("close", () => degrade("connection closed"));
  client.on("ready", restore);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REDIS_READY_WAIT_MS);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  if (!reachable) degrade("not reachable at start");
  return {
    client,
    reachable: () => reachable,
    degrade,
    restore: () => {
      if (degraded && client.status === "ready") restore();
    },
    async close() {
      client.removeAllListeners("close");
      client.removeAllListeners("error");
      client.on("error", () => undefined);
      // QUIT needs a live connection; one that is reconnecting is only told to stop.
      if (client.status === "ready") await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
