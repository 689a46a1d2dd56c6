/**
 * A signature is good once across all replicas of a subgraph, not once per process. Each
 * process's verifier (request-signature.ts) refuses a nonce it has seen within the window;
 * with REDIS_URL the replicas also claim each nonce in Redis (SET NX with the window's
 * lifetime), so a request captured inside the cluster cannot be replayed to another replica
 * (a replayed `registerVictim` would register the person twice). When Redis does not answer,
 * each replica falls back to its own memory — replays across replicas become possible for the
 * outage, and the process says so (platform/shared-redis.ts; `hub_request_replay_store_shared`).
 */
import type { Logger } from "../logger";
import { requestReplayStoreShared } from "../metrics";
import { connectSharedRedis, type SharedRedis } from "../shared-redis";
import { SIGNATURE_WINDOW_SECONDS } from "./request-signature";

/** Nonces are 18 random bytes: hubs or test runs sharing one Redis never collide. */
const KEY_PREFIX = "survivor-hub:signature-nonce:";
/** As long as the verifier itself remembers a nonce: twice the window either side of now. */
const TTL_MS = 2 * SIGNATURE_WINDOW_SECONDS * 1000;

export interface ReplayGuard {
  /** Whether no replica took this nonce before (true too while Redis is away: the process's own check stands). */
  firstUse(nonce: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function createReplayGuard(redisUrl: string, log: Logger): Promise<ReplayGuard> {
  const shared: SharedRedis = await connectSharedRedis(redisUrl, {
    log,
    shared: requestReplayStoreShared,
    down: "request signatures: Redis does not answer; each replica refuses only the replays it saw itself until it does",
    up: "request signatures: Redis answers again; a signature is good once across every replica",
  });
  return {
    async firstUse(nonce) {
      try {
        const claimed = await shared.client.set(`${KEY_PREFIX}${nonce}`, "1", "PX", TTL_MS, "NX");
        shared.restore();
        return claimed === "OK";
      } catch (error) {
        shared.degrade((error as NodeJS.ErrnoException).code ?? (error as Error).name);
        return true;
      }
    },
    close: () => shared.close(),
  };
}
