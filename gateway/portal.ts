/**
 * The reference embassy portal (portal/), served by the gateway at /portal in development:
 * its built files only, under a Content-Security-Policy that lets the page talk to this
 * origin and nothing else. It is a client like any partner's app — it runs the embassies'
 * trusted documents through /graphql with the officer's token; serving it widens nothing.
 */
import fs from "node:fs";
import path from "node:path";
import express, { type Express } from "express";
import type { Logger } from "pino";
import { setPageSecurityHeaders } from "./page-headers";

export const PORTAL_PATH = "/portal";
/** The portal's operations as a trusted-documents manifest (`npm run codegen` writes it). */
export const PORTAL_MANIFEST = path.join("portal", "trusted-documents.json");

/**
 * Development only: registers the portal's operations for the embassies of `countries`
 * (one `embassy-<country>.json` each, in `dir`), so the portal runs against `npm start` as it
 * would against a hub whose operator registered it. Returns `dir`, or undefined when this
 * checkout has no portal manifest.
 */
export function writeDevelopmentManifests(root: string, dir: string, countries: Iterable<string>): string | undefined {
  const manifest = path.join(root, PORTAL_MANIFEST);
  if (!fs.existsSync(manifest)) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  for (const country of new Set(countries)) fs.copyFileSync(manifest, path.join(dir, `embassy-${country}.json`));
  return dir;
}

/** The page's whole world is this origin: no other host's script, style, font, image or connection. */
export const PORTAL_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export function addPortalRoute(app: Express, settings: { enabled: boolean; dir: string }, log: Logger): void {
  if (!settings.enabled) return;
  if (!fs.existsSync(path.join(settings.dir, "index.html"))) {
    log.info({ dir: settings.dir }, "the embassy portal is not built (npm run portal:build): /portal answers 404");
    return;
  }
  app.use(
    PORTAL_PATH,
    (_request, response, next) => {
      setPageSecurityHeaders(response, PORTAL_CONTENT_SECURITY_POLICY);
      next();
    },
    express.static(settings.dir, {
      index: "index.html",
      redirect: true,
      // Assets carry a content hash in their names; the page itself is always fetched anew.
      setHeaders: (response, file) =>
        response.setHeader(
          "cache-control",
          file.endsWith(".html") ? "no-store" : "public, max-age=31536000, immutable",
        ),
    }),
  );
}
