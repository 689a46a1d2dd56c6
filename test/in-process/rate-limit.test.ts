/**
 * The gateway's per-organisation rate limit as replicas share it (gateway/rate-limit.ts),
 * against the machine's Redis: two limiters configured alike are two gateways, a budget of
 * N lets N through across both; a Redis outage (a TCP relay of the test's own, cut and
 * restored: the machine's Redis is never stopped) is served from each gateway's memory and
 * reported, and the shared count resumes once Redis answers again. Each test counts under
 * a key prefix of its own, removed afterwards. Over HTTP, with a whole hub:
 * test/serial/replicas.test.ts and test/limits.test.ts.
 */
import net from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import type { Caller } from "../../platform/auth/claims";
import {
  ConfigError,
  DEFAULT_RATE_LIMIT_KEY_PREFIX,
  DEFAULT_RATE_LIMITS,
  loadGatewayConfig,
  type RateLimits,
} from "../../platform/config";
import { SUBGRAPHS } from "../../subgraphs/index";
import { rateLimitFallbacks, rateLimitStoreShared } from "../../platform/metrics";
import {
  createOrganisationRateLimiter,
  rateLimitByOrganisation,
  type OrganisationRateLimiter,
} from "../../gateway/rate-limit";
import { redisUnavailable, removeRedisKeys, TEST_REDIS_URL, testKeyPrefix } from "../support/redis";

const BUDGET = 6;
/** What the limiters logged, one parsed pino line each. */
const logged: Array<{ level: number; msg: string }> = [];
const log = pino(
  { level: "info" },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean))
        logged.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  }),
);
const WARN = 40;
const INFO = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function limits(overrides: Partial<RateLimits>): RateLimits {
  return {
    perMinuteByRole: DEFAULT_RATE_LIMITS,
    perMinuteByOrg: { "ngo-limited": BUDGET },
    keyPrefix: DEFAULT_RATE_LIMIT_KEY_PREFIX,
    ...overrides,
  };
}

const caller: Caller = { sub: "someone", org: "ngo-limited", role: "ngo" };

/** `count` decisions, taken in turn by each limiter: how many were allowed. */
async function allowedOf(limiters: OrganisationRateLimiter[], count: number): Promise<boolean[]> {
  const decisions: boolean[] = [];
  for (let index = 0; index < count; index += 1)
    decisions.push((await limiters[index % limiters.length].consume(caller)).allowed);
  return decisions;
}

async function metricValue(metric: typeof rateLimitFallbacks | typeof rateLimitStoreShared): Promise<number> {
  return (await metric.get()).values[0]?.value ?? 0;
}

/** A TCP relay to Redis that the test can cut (every connection closed, nothing listening) and restore on the same port. */
async function redisRelay(): Promise<{
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}> {
  const target = new URL(TEST_REDIS_URL);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      const listening = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 6379), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      listening.once("error", reject);
      listening.listen(port, "127.0.0.1", () => {
        port = (listening.address() as net.AddressInfo).port;
        server = listening;
        resolve();
      });
    });
  const cut = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  await open();
  return { url: `redis://127.0.0.1:${port}`, cut, restore: open, close: cut };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(50);
  }
}

describe("the rate limits' Redis settings", () => {
  it("reads REDIS_URL and the key prefix, refuses another scheme without echoing the URL", () => {
    expect(loadGatewayConfig(SUBGRAPHS, {}).rateLimits).toMatchObject({
      redisUrl: undefined,
      keyPrefix: DEFAULT_RATE_LIMIT_KEY_PREFIX,
    });
    const given = loadGatewayConfig(SUBGRAPHS, {
      REDIS_URL: "rediss://:pw@redis:6380",
      RATE_LIMIT_KEY_PREFIX: "hub-b",
    });
    expect(given.rateLimits).toMatchObject({ redisUrl: "rediss://:pw@redis:6380", keyPrefix: "hub-b" });
    const refusal = (() => {
      try {
        loadGatewayConfig(SUBGRAPHS, { REDIS_URL: "http://:secret-password@redis:6379" });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect(String((refusal as Error).message)).toMatch(/REDIS_URL must be a redis: or rediss: URL/);
    expect(String((refusal as Error).message)).not.toMatch(/secret-password/);
  });
});

describe("the rate limit's middleware", () => {
  it("fails closed: a request that reached it without a verified caller is refused, never passed on", async () => {
    let consumed = 0;
    const limiter = {
      consume: () => {
        consumed += 1;
        return Promise.resolve({ allowed: true, msBeforeNext: 0 });
      },
    } as unknown as OrganisationRateLimiter;
    const sent: { status?: number; body?: unknown } = {};
    const response = {
      locals: {},
      status(code: number) {
        sent.status = code;
        return this;
      },
      setHeader: () => undefined,
      json(body: unknown) {
        sent.body = body;
        return this;
      },
      send(body: unknown) {
        sent.body = body;
        return this;
      },
      end: () => undefined,
    };
    let passed = false;
    rateLimitByOrganisation(limiter)({} as never, response as never, () => {
      passed = true;
    });
    await sleep(10);
    expect(passed).toBe(false);
    expect(consumed).toBe(0);
    expect(sent.status).toBe(401);
  });
});

const unavailable = redisUnavailable();
const TITLE = "rate limits shared by gateway replicas through Redis";
// No Redis on this machine: said in the title, which the test runner lists as skipped.
(unavailable ? describe.skip : describe)(unavailable ? `${TITLE} (skipped: ${unavailable})` : TITLE, () => {
  const prefixes: string[] = [];
  const opened: OrganisationRateLimiter[] = [];
  const open = async (settings: Partial<RateLimits>) => {
    const limiter = await createOrganisationRateLimiter(limits(settings), log);
    opened.push(limiter);
    return limiter;
  };
  const prefix = () => {
    const made = testKeyPrefix("rate-limit");
    prefixes.push(made);
    return made;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
    await Promise.all(prefixes.splice(0).map(removeRedisKeys));
  });

  it("refuses the (N+1)th request of an organisation across two gateways", async () => {
    const keyPrefix = prefix();
    const gateways = [
      await open({ redisUrl: TEST_REDIS_URL, keyPrefix }),
      await open({ redisUrl: TEST_REDIS_URL, keyPrefix }),
    ];
    expect(gateways.every((gateway) => gateway.shared())).toBe(true);
    const decisions = await allowedOf(gateways, 2 * BUDGET);
    expect(decisions).toEqual([...Array(BUDGET).fill(true), ...Array(BUDGET).fill(false)]);
    // Another organisation's budget is its own.
    expect((await gateways[1].consume({ ...caller, org: "ngo-other" })).allowed).toBe(true);
  });

  it("without REDIS_URL counts in each gateway's memory, as one gateway alone", async () => {
    const gateways = [await open({}), await open({})];
    expect(gateways.some((gateway) => gateway.shared())).toBe(false);
    expect((await allowedOf(gateways, 2 * BUDGET)).filter(Boolean)).toHaveLength(2 * BUDGET);
    expect((await gateways[0].consume(caller)).allowed).toBe(false);
  });

  it("keeps serving from memory while Redis is away, says so, and shares the count again when it is back", async () => {
    const relay = await redisRelay();
    try {
      const keyPrefix = prefix();
      const gateways = [await open({ redisUrl: relay.url, keyPrefix }), await open({ redisUrl: relay.url, keyPrefix })];
      // The shared budget spent: the next request is refused by whichever gateway takes it.
      expect((await allowedOf(gateways, BUDGET)).every(Boolean)).toBe(true);
      expect((await gateways[0].consume(caller)).allowed).toBe(false);
      expect(await metricValue(rateLimitStoreShared)).toBe(1);

      logged.length = 0;
      await relay.cut();
      await waitFor(() => gateways.every((gateway) => !gateway.shared()));
      // One warning per gateway and outage, however many decisions fall back.
      const fallbacksBefore = await metricValue(rateLimitFallbacks);
      // Each gateway decides alone: its own memory's budget, fresh, so requests are served (not refused, not failed).
      const during = await allowedOf(gateways, 4);
      expect(during).toEqual([true, true, true, true]);
      expect(await metricValue(rateLimitFallbacks)).toBe(fallbacksBefore + 4);
      expect(await metricValue(rateLimitStoreShared)).toBe(0);
      const warnings = logged.filter((line) => line.level === WARN);
      expect(warnings.map((line) => line.msg)).toEqual(
        Array(2).fill(expect.stringMatching(/Redis does not answer; each gateway counts in its own memory/)),
      );

      await relay.restore();
      await waitFor(() => gateways.every((gateway) => gateway.shared()));
      expect(logged.filter((line) => line.level === INFO).map((line) => line.msg)).toEqual(
        Array(2).fill(expect.stringMatching(/Redis answers again/)),
      );
      expect(await metricValue(rateLimitStoreShared)).toBe(1);
      // Redis still holds the spent budget: both gateways refuse again, and no decision came from memory.
      const fallbacksAfter = await metricValue(rateLimitFallbacks);
      expect(await allowedOf(gateways, 2)).toEqual([false, false]);
      expect(await metricValue(rateLimitFallbacks)).toBe(fallbacksAfter);
    } finally {
      await relay.close();
    }
  });
});
