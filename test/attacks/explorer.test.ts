/**
 * Attacks through the explorer (gateway/explorer/): it must widen nothing. (a) Production
 * serves no explorer at all — no page, no file of it, not on request (`HUB_EXPLORER=on` is
 * refused: test/config.test.ts) — and no introspection for a docs pane to read; (b) where it
 * is served, it is static files plus the same /graphql: the page needs no token, every
 * operation still does; nothing of the request comes back in the page; no file outside
 * the page's own is reachable under its path; (c) nothing it answers names another host:
 * each answer carries a CSP of 'self' (and data:, which reaches no host), the hub's own
 * page, script and stylesheet hold no URL at all, and the stylesheets load from nothing
 * but data: URLs. (GraphiQL's and React's bundles hold URLs in comments and help links;
 * the CSP forbids fetching them, and test/browser/explorer.test.ts sees that no request
 * for another host is even attempted.)
 */
import { getIntrospectionQuery } from "graphql";
import { EXPLORER_CSP } from "../../gateway/explorer/index";
import { gatewayUrl, PERSONAS, postGraphQL, tokenFor } from "../support/hub";
import { productionEnvironment, startOwnGateway, stopHubProcess } from "../support/metrics";
import type { HubProcess } from "../support/processes";
import { testPort } from "../support/state";

const PRODUCTION = testPort(103);
const production = (route: string) => `http://127.0.0.1:${PRODUCTION}${route}`;
const development = (route: string) => new URL(route, gatewayUrl()).toString();
/** What Chromium sends when a person opens the address. */
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

let running: HubProcess | undefined;
/** The files the development page loads (the shared test hub runs with NODE_ENV=test: explorer on). */
let assetPaths: string[] = [];
let page = "";

beforeAll(async () => {
  running = await startOwnGateway("gateway-production-explorer", PRODUCTION, productionEnvironment("gateway"));
  const response = await fetch(development("/graphql"), { headers: { accept: BROWSER_ACCEPT } });
  expect(response.status).toBe(200);
  page = await response.text();
  assetPaths = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]).filter((ref) => ref !== "data:,");
}, 120_000);

afterAll(async () => {
  if (running) await stopHubProcess(running);
});

describe("(a) a production gateway serves no explorer", () => {
  it("answers a browser's GET of /graphql, with or without a query, with JSON and no page", async () => {
    for (const route of ["/graphql", "/graphql?query=%7B__typename%7D", "/graphql/"]) {
      for (const authorization of [undefined, `Bearer ${tokenFor(PERSONAS.embassyPH)}`]) {
        const response = await fetch(production(route), {
          headers: { accept: BROWSER_ACCEPT, ...(authorization ? { authorization } : {}) },
        });
        const body = await response.text();
        expect(response.headers.get("content-type")).not.toMatch(/html/);
        expect(body).not.toMatch(/<html|<script|graphiql/i);
      }
    }
  });

  it("has none of the page's files, at the paths a development gateway serves them or any other", async () => {
    expect(assetPaths.length).toBeGreaterThanOrEqual(6);
    for (const route of [...assetPaths, "/explorer/", "/explorer/boot.js", "/explorer/graphiql.min.js"]) {
      const response = await fetch(production(route), { headers: { accept: BROWSER_ACCEPT } });
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await response.text()).not.toMatch(/<html|graphiql|react/i);
    }
  });

  it("refuses introspection, so no docs pane could be filled elsewhere either", async () => {
    const response = await postGraphQL(
      production("/graphql"),
      { query: getIntrospectionQuery() },
      `Bearer ${tokenFor(PERSONAS.government)}`,
    );
    expect(response.data?.__schema).toBeUndefined();
    expect(response.errors?.[0]?.message).toMatch(/introspection/i);
  });
});

describe("(b) where served, the explorer is static files and the same /graphql", () => {
  it("serves the page without a token, but runs no operation without one", async () => {
    const withoutToken = await fetch(development("/graphql"), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: "{ me { org } }" }),
    });
    expect(withoutToken.status).toBe(401);
    // A GET carrying a query, from a browser, gets the page: the query is not run (nor echoed).
    const query = encodeURIComponent('{ me { org } } # <script>alert("x")</script>');
    const response = await fetch(development(`/graphql?query=${query}`), {
      headers: { accept: BROWSER_ACCEPT, authorization: `Bearer ${tokenFor(PERSONAS.embassyPH)}` },
    });
    const body = await response.text();
    expect(body).toBe(page);
    expect(body).not.toContain("embassy-PH");
  });

  it("gives an API client JSON at the same address, never the page", async () => {
    for (const accept of [undefined, "*/*", "application/json", "application/graphql-response+json"]) {
      const response = await fetch(development("/graphql"), { headers: accept ? { accept } : {} });
      expect(response.headers.get("content-type")).not.toMatch(/html/);
    }
  });

  it("answers the standard introspection query to a persona (the docs pane), with the policy's words", async () => {
    const response = await postGraphQL<{ __schema: { queryType: { name: string } } }>(
      gatewayUrl(),
      { query: getIntrospectionQuery() },
      `Bearer ${tokenFor(PERSONAS.embassyPH)}`,
    );
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(JSON.stringify(response.data)).toContain("Visible to: government, embassy.");
  });

  it("reaches no file but its own under its path", async () => {
    for (const route of [
      "/explorer/boot.js",
      "/explorer/..%2Fpackage.json",
      "/explorer/%2e%2e/%2e%2e/package.json",
      "/explorer/graphiql.min.js.map",
      `${assetPaths.find((ref) => ref.endsWith(".js"))}x`,
    ]) {
      const response = await fetch(development(route));
      expect(response.status).toBe(404);
      expect(await response.text()).not.toMatch(/"name"|survivor-hub|graphiql/i);
    }
  });
});

describe("(c) nothing the explorer answers names another host", () => {
  const ownFiles = () => ["/graphql", ...assetPaths.filter((ref) => /\/explorer\/(boot|explorer)\./.test(ref))];

  it("every answer carries the CSP of 'self' and data: only, and its hardening headers", async () => {
    // The policy itself: no scheme, no host, no wildcard, nothing inline or evaluated.
    for (const directive of EXPLORER_CSP.split("; ")) {
      const [, ...sources] = directive.split(" ");
      for (const source of sources) expect(["'self'", "'none'", "data:"]).toContain(source);
    }
    for (const route of ["/graphql", ...assetPaths]) {
      const response = await fetch(development(route), { headers: { accept: BROWSER_ACCEPT } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-security-policy")).toBe(EXPLORER_CSP);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("the page loads only its own paths, with no inline script or style", () => {
    for (const ref of assetPaths) expect(ref).toMatch(/^\/explorer\/[\w.-]+\.(js|css)$/);
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(4);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/explorer\//);
      expect(inline.trim()).toBe("");
    }
    expect(page).not.toMatch(/<style|\sstyle=|\son\w+=/i);
  });

  it("the hub's own page, script and stylesheet hold no URL at all; every stylesheet only data: ones", async () => {
    for (const route of ownFiles()) {
      const body = await (await fetch(development(route), { headers: { accept: BROWSER_ACCEPT } })).text();
      expect(body).not.toMatch(/(?:https?:|wss?:)?\/\/[\w-]+(\.[\w-]+)+/i);
    }
    for (const route of assetPaths.filter((ref) => ref.endsWith(".css"))) {
      const css = await (await fetch(development(route))).text();
      expect(css).not.toMatch(/@import/);
      const urls = [...css.matchAll(/url\(\s*['"]?([^'")]*)/g)].map((match) => match[1]);
      for (const url of urls) expect(url).toMatch(/^data:/);
    }
  });
});
