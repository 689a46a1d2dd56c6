/**
 * The hardening headers of every page the gateway serves to a browser (the explorer, the
 * embassy portal): the page's own Content-Security-Policy, no MIME sniffing, no Referer
 * (a URL must never carry a case to another site), and no window or resource sharing with
 * other origins. One place, so a new page cannot forget one of them.
 */
import type { Response } from "express";

export function setPageSecurityHeaders(response: Response, contentSecurityPolicy: string): void {
  response.setHeader("content-security-policy", contentSecurityPolicy);
  response.setHeader("x-content-type-options", "nosniff");
  response.setHeader("referrer-policy", "no-referrer");
  response.setHeader("cross-origin-opener-policy", "same-origin");
  response.setHeader("cross-origin-resource-policy", "same-origin");
}
