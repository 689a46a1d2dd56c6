/**
 * The machine's Redis for tests (TEST_REDIS_URL, default redis://127.0.0.1:6379: CI starts it,
 * .ci/run): whether it answers, a key prefix of each run's own (parallel runs never share a
 * budget) and the removal of that prefix's keys afterwards.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

// A plain Node process answers synchronously, so a test file can decide at load whether to skip.
const PING = `
const net = require("node:net");
const url = new URL(process.argv[1]);
const socket = net.connect(Number(url.port || 6379), url.hostname);
socket.setTimeout(1500, () => process.exit(1));
socket.on("error", () => process.exit(1));
socket.on("connect", () => socket.write("PING\\r\\n"));
socket.on("data", (data) => process.exit(String(data).startsWith("+PONG") ? 0 : 1));`;

/** Why no test can use Redis here, or null if it answers PING. */
export function redisUnavailable(): string | null {
  const result = spawnSync(process.execPath, ["-e", PING, TEST_REDIS_URL], { timeout: 5000 });
  return result.status === 0 ? null : `no Redis answers at ${TEST_REDIS_URL} (TEST_REDIS_URL)`;
}

/** A key prefix no other run uses. */
export function testKeyPrefix(purpose: string): string {
  return `survivor-hub-test:${purpose}:${process.pid}:${randomBytes(6).toString("hex")}`;
}

/** Removes every key under `prefix`. */
export async function removeRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
