/**
 * The gateway's explorer (development aid, HUB_EXPLORER): GraphiQL served from the hub's
 * own files, at GET /graphql for a browser (as GraphQL Yoga and the Hive gateway do; the
 * Accept header tells a browser from an API client), so the URL `npm start` prints is the
 * explorer too. It is static files plus the same /graphql: the page asks /graphql with the
 * pasted token like any client, and nothing here reads a token or runs an operation.
 *
 * No request leaves for another host: every script, stylesheet and font is read here, at
 * start, from pinned packages (GraphiQL's self-contained build embeds its fonts as data:
 * URLs), named by its content's hash (so it can be cached for good), and each answer
 * carries a Content-Security-Policy of `'self'` only, with no inline script.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Express, Request, Response } from "express";
import { ROOT } from "../../platform/processes";
import { setPageSecurityHeaders } from "../page-headers";

/**
 * The versions whose files were read for this page: the stylesheet's url()s (data: only),
 * the storage GraphiQL falls back on (localStorage, replaced in boot.js) and the globals the
 * build expects (window.React, window.ReactDOM). Another version is refused until checked.
 */
export const EXPLORER_PACKAGES = { graphiql: "3.8.3", react: "18.3.1", "react-dom": "18.3.1" } as const;

/** Every explorer answer: only this origin, no inline script or style, no framing, no referrer. */
export const EXPLORER_CSP = [
  "default-src 'self'",
  // GraphiQL's stylesheet embeds its fonts and a few images as data: URLs (no request at all).
  "font-src 'self' data:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Where the page's files are served: one path per file, named by content, so never stale. */
export const EXPLORER_ASSET_PREFIX = "/explorer/";

interface Asset {
  path: string;
  type: string;
  body: Buffer;
}

type PackageName = keyof typeof EXPLORER_PACKAGES;

function packageFile(name: PackageName, file: string): Buffer {
  const directory = path.dirname(require.resolve(`${name}/package.json`));
  const { version } = JSON.parse(fs.readFileSync(path.join(directory, "package.json"), "utf8")) as {
    version: string;
  };
  if (version !== EXPLORER_PACKAGES[name])
    throw new Error(
      `the explorer serves ${name} ${EXPLORER_PACKAGES[name]}, found ${version}: check its files (gateway/explorer/index.ts) before changing the pin`,
    );
  return fs.readFileSync(path.join(directory, file));
}

function asset(stem: string, extension: "js" | "css", body: Buffer): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  const type = extension === "js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
  return { path: `${EXPLORER_ASSET_PREFIX}${stem}.${hash}.${extension}`, type, body };
}

/** A stylesheet that would load anything from elsewhere (an @import, a url() that is not data:) is refused at start. */
function checkedStylesheet(name: string, css: Buffer): Buffer {
  const text = css.toString("utf8");
  const outside = [...text.matchAll(/url\(\s*['"]?(?!data:)([^'")]*)/g)].map((match) => match[1]);
  if (/@import/.test(text) || outside.length > 0)
    throw new Error(`the explorer's stylesheet ${name} loads from outside itself: ${outside.slice(0, 3).join(", ")}`);
  return css;
}

const escapeAttribute = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;");

function page(styles: Asset[], scripts: Asset[]): string {
  const links = styles.map((style) => `<link rel="stylesheet" href="${escapeAttribute(style.path)}">`);
  const tags = scripts.map((script) => `<script src="${escapeAttribute(script.path)}"></script>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Survivor Hub explorer</title>
<link rel="icon" href="data:,">
${links.join("\n")}
</head>
<body>
<div class="hub-explorer">
<div class="hub-explorer-token">
<label for="hub-explorer-token">Bearer token</label>
<input id="hub-explorer-token" type="password" autocomplete="off" spellcheck="false" placeholder="paste a token that npm start printed">
</div>
<div id="hub-explorer-graphiql" class="hub-explorer-graphiql"></div>
</div>
${tags.join("\n")}
</body>
</html>
`;
}

export interface Explorer {
  /** The page and every file it loads, by path. */
  readonly page: string;
  readonly assets: ReadonlyMap<string, Asset>;
}

/** Reads the page's files once (at start): a missing or unexpected package stops the gateway, not a browser. */
export function loadExplorer(): Explorer {
  const own = (file: string) => fs.readFileSync(path.join(ROOT, "gateway", "explorer", file));
  const styles = [
    asset(
      `graphiql-${EXPLORER_PACKAGES.graphiql}`,
      "css",
      checkedStylesheet("graphiql.min.css", packageFile("graphiql", "graphiql.min.css")),
    ),
    asset("explorer", "css", checkedStylesheet("explorer.css", own("explorer.css"))),
  ];
  const scripts = [
    asset(`react-${EXPLORER_PACKAGES.react}`, "js", packageFile("react", "umd/react.production.min.js")),
    asset(
      `react-dom-${EXPLORER_PACKAGES["react-dom"]}`,
      "js",
      packageFile("react-dom", "umd/react-dom.production.min.js"),
    ),
    asset(`graphiql-${EXPLORER_PACKAGES.graphiql}`, "js", packageFile("graphiql", "graphiql.min.js")),
    asset("boot", "js", own("boot.js")),
  ];
  return {
    page: page(styles, scripts),
    assets: new Map([...styles, ...scripts].map((file) => [file.path, file])),
  };
}

function explorerHeaders(response: Response, type: string, cache: string): void {
  response.setHeader("content-type", type);
  setPageSecurityHeaders(response, EXPLORER_CSP);
  response.setHeader("cache-control", cache);
}

/** A browser asking for a page (HTML preferred to JSON), not an API client: only a GET, never an operation run. */
export function wantsExplorerPage(request: Request): boolean {
  return (
    (request.method === "GET" || request.method === "HEAD") &&
    request.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html"
  );
}

/**
 * Serves the page at GET `graphqlPath` for a browser and its files under /explorer/. Mounted
 * before /graphql's token check: nothing here needs a token, and every operation still does.
 */
export function addExplorerRoutes(app: Express, explorer: Explorer, graphqlPath: string): void {
  app.get(graphqlPath, (request, response, next) => {
    if (!wantsExplorerPage(request)) return next();
    explorerHeaders(response, "text/html; charset=utf-8", "no-store");
    response.setHeader("vary", "accept");
    response.send(explorer.page);
  });
  app.get(`${EXPLORER_ASSET_PREFIX}:file`, (request, response, next) => {
    const file = explorer.assets.get(request.path);
    if (!file) return next();
    explorerHeaders(response, file.type, "public, max-age=31536000, immutable");
    response.send(file.body);
  });
}
