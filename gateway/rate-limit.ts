/**
 * Requests per minute per organisation, at the gateway (rate-limiter-flexible's
 * in-memory limiter: one gateway process; a fleet would use its Redis store). The budget
 * is the role's, or the organisation's own where one is configured. Over it: HTTP 429,
 * `Retry-After` in seconds, and no work done.
 */
import type { RequestHandler } from "express";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Caller } from "../platform/auth/claims";
import type { RateLimits } from "../platform/config";
import { ErrorCode } from "../platform/errors";
import { sendGraphQLError } from "../platform/http";
import { rateLimitRefusals, roleLabel } from "../platform/metrics";

export function rateLimitByOrganisation(limits: RateLimits): RequestHandler {
  const limiters = new Map<number, RateLimiterMemory>();
  const limiterFor = (perMinute: number) => {
    let limiter = limiters.get(perMinute);
    if (!limiter) limiters.set(perMinute, (limiter = new RateLimiterMemory({ points: perMinute, duration: 60 })));
    return limiter;
  };
  return (request, response, next) => {
    const caller = response.locals.caller as Caller | undefined;
    if (!caller) return next(); // every request here passed `authenticate`: a guard, never taken
    const perMinute = limits.perMinuteByOrg[caller.org] ?? limits.perMinuteByRole[caller.role];
    limiterFor(perMinute)
      .consume(`${caller.role}:${caller.org}`)
      .then(
        () => next(),
        (rejection: unknown) => {
          if (!(rejection instanceof RateLimiterRes)) return next(rejection);
          rateLimitRefusals.inc({ role: roleLabel(caller.role) });
          response.setHeader("Retry-After", String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
          sendGraphQLError(
            response,
            429,
            ErrorCode.RATE_LIMITED,
            "Too many requests from your organisation; retry after the number of seconds in Retry-After",
          );
        },
      );
  };
}
