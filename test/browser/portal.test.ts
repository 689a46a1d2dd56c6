/**
 * The reference embassy portal (portal/) in real Chromium against a running hub: a
 * Philippine consular officer's whole flow, through a gateway that requires trusted
 * documents (the portal's own manifest, registered for the embassies), with the page
 * confined to the hub's origin. Screenshots land in test-artifacts/.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { confirmNationality, consent, issueTravelDocument, register, REQUEST_VERIFICATION } from "../support/cases";
import { launchChromium, pageConfinedTo, screenshot, type ConfinedPage } from "../support/browser";
import { asPersona, PERSONAS, tokenFor } from "../support/hub";
import { startOwnGateway, stopHubProcess } from "../support/metrics";
import { ROOT, type HubProcess } from "../support/processes";
import { testPort } from "../support/state";

const PORT = testPort(102);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const OWNER = { role: "ngo", org: "ngo-portal-owner" } as const;
const RECEIVING = { role: "ngo", org: "ngo-portal-reception" } as const;
const EMBASSY = PERSONAS.embassyPH;
const AGENCY = PERSONAS.repatriation;

const REQUEST_REPATRIATION = `mutation ($victimId: ID!, $request: RepatriationRequestInput!) { requestRepatriation(victimId: $victimId, request: $request) { id } }`;
const ADD_LEG = `mutation ($caseId: ID!, $leg: JourneyLegInput!) { addJourneyLeg(caseId: $caseId, leg: $leg) { id } }`;
const CHANGE = `mutation ($id: ID!, $to: RepatriationStatus!) { changeRepatriationStatus(id: $id, to: $to) { id status } }`;

let gateway: HubProcess | undefined;
let browser: Browser | undefined;
let work: string;

async function ok(persona: Parameters<typeof asPersona>[0], query: string, variables: Record<string, unknown>) {
  const answer = await asPersona(persona, query, variables);
  expect(answer.errors).toBeUndefined();
  return answer.data!;
}

/** A Filipino of OWNER's with consular-contact consent; `then` takes it further. */
async function filipino(): Promise<{ id: string; caseNumber: string }> {
  const victim = await register(OWNER, { nationality: "PH" });
  await consent(OWNER, victim.id, "CONSULAR_CONTACT", true);
  return victim;
}

async function withPendingVerification() {
  const victim = await filipino();
  await ok(OWNER, REQUEST_VERIFICATION, { victimId: victim.id });
  return victim;
}

/** Confirmed, documented, and on the way home: only the embassy's arrival is left. */
async function departed() {
  const victim = await filipino();
  await consent(OWNER, victim.id, "REPATRIATION", true);
  await confirmNationality(OWNER, EMBASSY, victim.id);
  await issueTravelDocument(EMBASSY, victim.id);
  const opened = (await ok(OWNER, REQUEST_REPATRIATION, {
    victimId: victim.id,
    request: { receivingOrganisation: "Reception centre, Manila (fictional)", receivingOrgId: RECEIVING.org },
  })) as { requestRepatriation: { id: string } };
  const caseId = opened.requestRepatriation.id;
  await ok(AGENCY, ADD_LEG, {
    caseId,
    leg: {
      mode: "FLIGHT",
      fromPlace: "Bangkok",
      toPlace: "Manila",
      carrier: "Demo Air DA 7",
      departsAt: "2026-12-10T08:00:00Z",
      arrivesAt: "2026-12-10T12:00:00Z",
    },
  });
  for (const to of ["DOCUMENTS_PENDING", "READY", "TRAVEL_BOOKED", "DEPARTED"])
    await ok(AGENCY, CHANGE, { id: caseId, to });
  return victim;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-test-"));
  const built = path.join(work, "portal");
  // The portal as a clean clone builds it: the committed sources and generated documents, through Vite.
  execFileSync(
    path.join(ROOT, "node_modules", ".bin", "vite"),
    ["build", "--config", "portal/vite.config.ts", "--outDir", built, "--emptyOutDir", "--logLevel", "error"],
    { cwd: ROOT, stdio: "pipe" },
  );
  const manifests = path.join(work, "trusted-documents");
  fs.mkdirSync(manifests);
  for (const org of ["embassy-PH", "embassy-KE"])
    fs.copyFileSync(path.join(ROOT, "portal", "trusted-documents.json"), path.join(manifests, `${org}.json`));
  [gateway, browser] = await Promise.all([
    startOwnGateway("gateway-portal", PORT, {
      HUB_PORTAL: "on",
      HUB_PORTAL_DIR: built,
      HUB_TRUSTED_DOCUMENTS: "require",
      HUB_TRUSTED_DOCUMENTS_DIR: manifests,
    }),
    launchChromium(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (gateway) await stopHubProcess(gateway);
  fs.rmSync(work, { recursive: true, force: true });
});

/** Signed in as the Philippine embassy's officer, on a page that can reach the hub only. */
async function officer(): Promise<ConfinedPage> {
  const confined = await pageConfinedTo(browser!, ORIGIN);
  await confined.page.goto(`${ORIGIN}/portal/`);
  await signIn(confined.page);
  return confined;
}

async function signIn(page: Page): Promise<void> {
  await page.fill("#token", tokenFor(EMBASSY));
  await page.click("#sign-in button[type=submit]");
  // The first page has been shown (the root tsconfig has no DOM types: page code goes as text).
  await page.locator("#summary[data-for]").waitFor();
}

async function search(page: Page, caseNumber: string): Promise<void> {
  await page.evaluate(`delete document.querySelector("#summary").dataset.for`);
  await page.fill("#case-number", caseNumber);
  await page.click("#search button[type=submit]");
  await page.locator(`#summary[data-for="${caseNumber}"]`).waitFor();
}

const row = (page: Page, caseNumber: string) => page.locator(`#nationals tbody tr[data-case-number="${caseNumber}"]`);
/** Waits until the row's `column` (0-based) shows `text`. */
const cellShows = (page: Page, caseNumber: string, column: number, text: string) =>
  row(page, caseNumber).locator("td").nth(column).filter({ hasText: text }).waitFor();
/** Waits until the page's message is `text` (exactly, or containing it). */
const says = (page: Page, text: string, exactly = true) =>
  page
    .locator("#message", { hasText: exactly ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : text })
    .waitFor();

describe("the embassy portal in Chromium", () => {
  it("an officer decides a pending verification, issues a travel document and confirms an arrival; errors are in words; nothing leaves for another host or stays in the browser", async () => {
    const pending = await withPendingVerification();
    const toReject = await withPendingVerification();
    const travelling = await departed();
    const { page, foreign } = await officer();
    await screenshot(page, "portal-signed-in");

    await search(page, pending.caseNumber);
    await cellShows(page, pending.caseNumber, 3, "REQUESTED");
    await row(page, pending.caseNumber).getByRole("button", { name: "Confirm" }).click();
    await says(page, `Nationality of ${pending.caseNumber} confirmed.`);
    await cellShows(page, pending.caseNumber, 3, "CONFIRMED");

    const form = row(page, pending.caseNumber).locator("form");
    const number = `PH-ETC-PORTAL-${Date.now() % 1_000_000}`;
    await form.locator("input[name=number]").fill(number);
    await form.locator("input[name=expiresOn]").fill("2099-01-31");
    await form.getByRole("button", { name: "Issue document" }).click();
    await says(page, `Travel document issued for ${pending.caseNumber}.`);
    // The list as the hub now has it names the new document.
    await row(page, pending.caseNumber).locator("td").nth(4).locator("li", { hasText: number }).waitFor();
    await screenshot(page, "portal-document-issued");

    // Rejecting without a reason: the hub refuses, and the officer reads why in words.
    await search(page, toReject.caseNumber);
    await row(page, toReject.caseNumber).getByRole("button", { name: "Reject" }).click();
    await says(page, "Some of what you entered is not valid.", false);
    await screenshot(page, "portal-error-in-words");

    await search(page, travelling.caseNumber);
    await cellShows(page, travelling.caseNumber, 5, "DEPARTED");
    await row(page, travelling.caseNumber).getByRole("button", { name: "Confirm arrival" }).click();
    await says(page, `Arrival of ${travelling.caseNumber} confirmed.`);
    await cellShows(page, travelling.caseNumber, 5, "ARRIVED");

    expect(foreign).toEqual([]);
    const stored = await page.evaluate(
      `({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })`,
    );
    expect(stored).toEqual({ local: 0, session: 0, cookie: "" });
    expect(await page.context().cookies()).toEqual([]);
    await page.context().close();
  });

  it("the Philippine portal never shows a Kenyan national, even searched for by case number", async () => {
    const kenyan = await register(OWNER, { nationality: "KE" });
    await consent(OWNER, kenyan.id, "CONSULAR_CONTACT", true);
    // Control: the Kenyan embassy sees the person (so the search below could find them).
    const seen = await asPersona<{ nationals: { edges: unknown[] } }>(
      { role: "embassy", org: "embassy-KE", country: "KE" },
      `query ($c: String) { nationals(first: 5, caseNumber: $c) { edges { node { id } } } }`,
      { c: kenyan.caseNumber },
    );
    expect(seen.data?.nationals.edges).toHaveLength(1);

    const { page } = await officer();
    await search(page, kenyan.caseNumber);
    expect(await row(page, kenyan.caseNumber).count()).toBe(0);
    expect(await page.locator("#nationals").textContent()).not.toContain(kenyan.caseNumber);
    await page.context().close();
  });

  it("a withdrawn consent removes the person from the list on reload (and a reload keeps no token)", async () => {
    const person = await filipino();
    const { page } = await officer();
    await search(page, person.caseNumber);
    expect(await row(page, person.caseNumber).count()).toBe(1);

    await consent(OWNER, person.id, "CONSULAR_CONTACT", false);
    await page.reload();
    // Nothing was kept: the officer signs in again.
    expect(await page.locator("#sign-in").isVisible()).toBe(true);
    await signIn(page);
    await search(page, person.caseNumber);
    expect(await row(page, person.caseNumber).count()).toBe(0);
    await screenshot(page, "portal-after-withdrawal");
    await page.context().close();
  });

  it("without its script the sign-in form sends nothing: no token in any URL", async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const sent: string[] = [];
    page.on("request", (request) => sent.push(`${request.method()} ${request.url()} ${request.postData() ?? ""}`));
    await page.goto(`${ORIGIN}/portal/`);
    const token = tokenFor(EMBASSY);
    await page.fill("#token", token);
    await page.press("#token", "Enter");
    await page.waitForTimeout(500);
    expect(page.url()).not.toContain(token.slice(0, 20));
    expect(sent.filter((line) => line.includes(token.slice(0, 20)))).toEqual([]);
    expect(await page.locator("#sign-in button[type=submit]").isDisabled()).toBe(true);
    await context.close();
  });

  it("the portal's page is served with a policy that allows this origin only", async () => {
    const response = await fetch(`${ORIGIN}/portal/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    // The page hardening the explorer has too (gateway/page-headers.ts): no sniffing, no Referer, no sharing.
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    const html = await response.text();
    expect(html.match(/(?:src|href)="(?:https?:)?\/\/[^"]+"/g) ?? []).toEqual([]);
  });
});
