/**
 * The explorer (gateway/explorer/) in a real Chromium, driven by playwright-core, against
 * the shared test hub's gateway: every request for another host is aborted and recorded
 * (none may be attempted), the page loads, an embassy's token is pasted, the embassy
 * dashboard runs and shows its data, a field the embassy may not see shows its refusal,
 * the docs pane shows the "Visible to" lines, and nothing is left in the browser's storage.
 * Screenshots go to test-artifacts/explorer/ (docs/testing.md).
 *
 * Chromium is Debian's (`.ci/run` installs it), at CHROMIUM_PATH or /usr/bin/chromium:
 * without it this test fails, never skips.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { dashboard } from "../../scripts/bench/scenarios";
import { launchChromium, pageConfinedTo, screenshot } from "../support/browser";
import { asPersona, gatewayUrl, PERSONAS, tokenFor } from "../support/hub";

const DASHBOARD = dashboard(5);
const REFUSED = "query Refused { nationals(first: 2) { edges { node { caseNumber testimony } } } }";

interface DashboardData {
  nationals: { edges: Array<{ node: { caseNumber: string; legalName: string | null } }> };
}

const origin = new URL(gatewayUrl()).origin;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Requests for anything but the hub, aborted. */
let elsewhere: string[];
/** Requests the page made to the hub, in order. */
let toHub: string[];
/** Console errors and uncaught exceptions (a CSP refusal shows up here). */
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  ({
    page,
    foreign: elsewhere,
    sent: toHub,
  } = await pageConfinedTo(browser, origin, {
    viewport: { width: 1400, height: 900 },
  }));
  context = page.context();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", async (response) => {
    if (response.status() >= 400)
      problems.push(
        `${response.status()} for ${response.url()} ${(response.request().postData() ?? "").slice(0, 200)}: ${(await response.text()).slice(0, 300)}`,
      );
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/**
 * What the functions run in the page use of the browser (this project's TypeScript has no
 * DOM types; a string evaluated in the page would be refused by its CSP, rightly). Written
 * out in each function: they are sent to the page as source, without this file's scope.
 */
interface PageGlobals {
  document: {
    cookie: string;
    querySelector(selector: string): { CodeMirror?: { getValue(): string; operationName?: string } } | null;
  };
  localStorage: { length: number };
  sessionStorage: { length: number };
}

/** The text of a CodeMirror editor of GraphiQL's (what it holds, not only the lines drawn). */
function editorText(selector: string): Promise<string> {
  return page.$eval(selector, (element) => {
    const editor = (element as unknown as { CodeMirror?: { getValue(): string } }).CodeMirror;
    if (!editor) throw new Error("not a CodeMirror editor");
    return editor.getValue();
  });
}

/** Replaces the query editor's text as pasting it would (no auto-closed brackets from typing). */
async function enterQuery(query: string, operationName: string): Promise<void> {
  await page.click(".graphiql-query-editor .CodeMirror");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(query);
  expect(await editorText(".graphiql-query-editor .CodeMirror")).toBe(query);
  // GraphiQL reads the operation's name 100 ms after the last edit; a click before would send the old one.
  await page.waitForFunction(
    (name) =>
      ((globalThis as unknown as PageGlobals).document.querySelector(".graphiql-query-editor .CodeMirror")?.CodeMirror
        ?.operationName ?? null) === name,
    operationName,
  );
}

/** Runs the query in the editor and returns what the result pane then shows. */
async function run(operationName: string): Promise<unknown> {
  const answered = page.waitForResponse(
    (response) =>
      response.url() === gatewayUrl() &&
      response.request().method() === "POST" &&
      (response.request().postData() ?? "").includes(`"operationName":"${operationName}"`),
  );
  await page.click(".graphiql-execute-button");
  await answered;
  // The result pane draws the answer after it arrives.
  await page.waitForFunction(
    () =>
      (
        (globalThis as unknown as PageGlobals).document
          .querySelector(".result-window .CodeMirror")
          ?.CodeMirror?.getValue() ?? ""
      ).length > 0,
  );
  return JSON.parse(await editorText(".result-window .CodeMirror"));
}

describe("the explorer in Chromium, with no host but the hub reachable", () => {
  it("loads from the hub's own files, under its Content-Security-Policy", async () => {
    const response = await page.goto(gatewayUrl(), { waitUntil: "load" });
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toMatch(/^default-src 'self'/);
    await page.waitForSelector(".graphiql-container");
    await page.waitForSelector("#hub-explorer-token");
    expect(toHub).toEqual(
      expect.arrayContaining(["GET /graphql", expect.stringMatching(/^GET \/explorer\/graphiql-3\.8\.3\.\w+\.js$/)]),
    );
    // No token yet: the page asked nothing of /graphql but the page itself.
    expect(toHub.filter((request) => request.startsWith("POST"))).toEqual([]);
    await screenshot(page, "explorer/1-loaded");
  });

  it("takes an embassy's token, introspects with it, runs the dashboard and shows its nationals", async () => {
    const introspected = page.waitForResponse(
      (response) =>
        response.url() === gatewayUrl() &&
        (response.request().postData() ?? "").includes("IntrospectionQuery") &&
        response.request().headers().authorization?.startsWith("Bearer ") === true,
    );
    await page.fill("#hub-explorer-token", tokenFor(PERSONAS.embassyPH));
    expect((await introspected).status()).toBe(200);

    await enterQuery(DASHBOARD, "Dashboard");
    // What the same query answers the same persona over HTTP, just before and just after: the
    // page shows one of them as it is (other files register and withdraw consent on the shared hub).
    const caseNumbers = (answer: DashboardData | null | undefined) =>
      answer?.nationals.edges.map((edge) => edge.node.caseNumber);
    const before = await asPersona<DashboardData>(PERSONAS.embassyPH, DASHBOARD);
    const shown = (await run("Dashboard")) as { data?: DashboardData; errors?: unknown };
    const after = await asPersona<DashboardData>(PERSONAS.embassyPH, DASHBOARD);
    expect(before.data?.nationals.edges.length).toBe(5);
    expect(shown.errors).toBeUndefined();
    expect([caseNumbers(before.data), caseNumbers(after.data)]).toContainEqual(caseNumbers(shown.data));
    const firstName = shown.data?.nationals.edges[0].node.legalName;
    expect(firstName).toEqual(expect.any(String));
    // Drawn on the page, not only held by the editor.
    await page.waitForSelector(`.result-window :text("${firstName}")`);
    await screenshot(page, "explorer/2-dashboard");
  });

  it("shows the refusal of a field the embassy may not see, at its path", async () => {
    await enterQuery(REFUSED, "Refused");
    const shown = (await run("Refused")) as {
      data?: { nationals: { edges: Array<{ node: { caseNumber: string; testimony?: string | null } }> } };
      errors?: Array<{ path?: Array<string | number>; extensions?: { code?: string } }>;
    };
    expect(shown.errors?.map((error) => error.extensions?.code)).toContain("UNAUTHORIZED_FIELD_OR_TYPE");
    expect(shown.errors?.some((error) => error.path?.includes("testimony"))).toBe(true);
    expect(shown.data?.nationals.edges.every((edge) => !edge.node.testimony)).toBe(true);
    await page.waitForSelector('.result-window :text("UNAUTHORIZED_FIELD_OR_TYPE")');
    await screenshot(page, "explorer/3-refused");
  });

  it("shows each field's 'Visible to' line in the docs pane", async () => {
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.click('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name:text-is("Query")');
    await page.click('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name:text-is("nationals")');
    await page.waitForSelector('.graphiql-doc-explorer-title:text-is("nationals")');
    // The field's own description, as the schema builder wrote it from the policy (platform/federation.ts).
    await page.waitForSelector('.graphiql-doc-explorer :text("Visible to: government, embassy.")');
    await screenshot(page, "explorer/4-docs");
  });

  it("kept nothing in the browser's storage, attempted no other host, and broke no rule of the page's policy", async () => {
    const stored = await page.evaluate(() => {
      const { localStorage, sessionStorage, document } = globalThis as unknown as PageGlobals;
      return { local: localStorage.length, session: sessionStorage.length, cookie: document.cookie };
    });
    expect(stored).toEqual({ local: 0, session: 0, cookie: "" });
    expect(await context.cookies()).toEqual([]);
    const state = await context.storageState();
    expect(state.origins.flatMap((entry) => entry.localStorage)).toEqual([]);
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
  });
});
