/**
 * Requests per minute per organisation, at the gateway. The budget is the role's, or the
 * organisation's own where one is configured. Over it: HTTP 429, `Retry-After` in
 * seconds, and no work done.
 *
 * With REDIS_URL every gateway replica counts in Redis (rate-limiter-flexible's Redis
 * store, one atomic INCR per request), so a budget of N is N across all of them. When
 * Redis does not answer (down, unreachable, slower than REDIS_COMMAND_TIMEOUT_MS) each
 * gateway decides in its own memory (the store's `insuranceLimiter`): it keeps serving,
 * budgets become N per gateway, and it says so (a warning, hub_gateway_rate_limit_store_shared
 * 0, hub_gateway_rate_limit_fallback_total) until Redis answers again; ioredis reconnects
 * by itself. Without REDIS_URL: memory only, for one gateway (development, a single process).
 */
import type { RequestHandler } from "express";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Caller } from "../platform/auth/claims";
import type { RateLimits } from "../platform/config";
import { ErrorCode } from "../platform/errors";
import { sendGraphQLError } from "../platform/http";
import type { Logger } from "../platform/logger";
import { rateLimitFallbacks, rateLimitRefusals, rateLimitStoreShared, roleLabel } from "../platform/metrics";
import { connectSharedRedis } from "../platform/shared-redis";

const WINDOW_SECONDS = 60;

export type RateDecision = { allowed: true } | { allowed: false; msBeforeNext: number };

export interface OrganisationRateLimiter {
  consume(caller: Caller): Promise<RateDecision>;
  /** Whether decisions are shared with the other gateways right now (false without REDIS_URL). */
  shared(): boolean;
  close(): Promise<void>;
}

/** The store's insurance: counts and reports each decision taken in memory instead of Redis. */
class MemoryFallback extends RateLimiterMemory {
  constructor(
    options: { points: number; duration: number },
    private readonly onUse: () => void,
  ) {
    super(options);
  }
  override consume(key: string | number, points?: number, options?: { [key: string]: unknown }) {
    rateLimitFallbacks.inc();
    this.onUse();
    return super.consume(key, points, options);
  }
}

export async function createOrganisationRateLimiter(limits: RateLimits, log: Logger): Promise<OrganisationRateLimiter> {
  const limiters = new Map<number, RateLimiterAbstract>();
  let fallbackUses = 0;
  const shared = limits.redisUrl
    ? await connectSharedRedis(limits.redisUrl, {
        log,
        shared: rateLimitStoreShared,
        down: "rate limits: Redis does not answer; each gateway counts in its own memory (budgets per gateway) until it does",
        up: "rate limits: Redis answers again; budgets are shared by every gateway",
      })
    : undefined;
  const redis = shared?.client;

  const limiterFor = (perMinute: number): RateLimiterAbstract => {
    let limiter = limiters.get(perMinute);
    if (limiter) return limiter;
    const window = { points: perMinute, duration: WINDOW_SECONDS };
    limiter = redis
      ? new RateLimiterRedis({
          ...window,
          storeClient: redis,
          keyPrefix: limits.keyPrefix,
          // Not "ready" (reconnecting): straight to the insurance, no command attempted.
          rejectIfRedisNotReady: true,
          insuranceLimiter: new MemoryFallback(window, () => {
            fallbackUses += 1;
            shared?.degrade("command failed or timed out");
          }),
        })
      : new RateLimiterMemory(window);
    limiters.set(perMinute, limiter);
    return limiter;
  };

  return {
    async consume(caller) {
      const perMinute = limits.perMinuteByOrg[caller.org] ?? limits.perMinuteByRole[caller.role];
      const fallbacksBefore = fallbackUses;
      let decision: RateDecision;
      try {
        await limiterFor(perMinute).consume(`${caller.role}:${caller.org}`);
        decision = { allowed: true };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        decision = { allowed: false, msBeforeNext: rejection.msBeforeNext };
      }
      // A command that timed out on a live connection brings no "ready" event: Redis deciding again is the sign.
      if (fallbackUses === fallbacksBefore) shared?.restore();
      return decision;
    },
    shared: () => shared?.reachable() ?? false,
    async close() {
      await shared?.close();
    },
  };
}

export function rateLimitByOrganisation(limiter: OrganisationRateLimiter): RequestHandler {
  return (request, response, next) => {
    const caller = response.locals.caller as Caller | undefined;
    // `authenticate` runs first, so there is always a caller; if ever there is none, nothing runs (fail closed).
    if (!caller) return sendGraphQLError(response, 401, ErrorCode.UNAUTHENTICATED, "A bearer token is required");
    limiter.consume(caller).then((decision) => {
      if (decision.allowed) return next();
      rateLimitRefusals.inc({ role: roleLabel(caller.role) });
      response.setHeader("Retry-After", String(Math.max(1, Math.ceil(decision.msBeforeNext / 1000))));
      sendGraphQLError(
        response,
        429,
        ErrorCode.RATE_LIMITED,
        "Too many requests from your organisation; retry after the number of seconds in Retry-After",
      );
    }, next);
  };
}
