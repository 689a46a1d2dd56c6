/**
 * Real Chromium for browser tests (Debian's `chromium`, which `.ci/run` installs), driven by
 * playwright-core. Pages are confined to the hub's origin: any request to another host is
 * aborted and recorded, so a test can assert the page needs (and tries) no other host.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT } from "./processes";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Screenshots of browser tests (gitignored). */
export const ARTIFACTS_DIR = path.join(ROOT, "test-artifacts");

export function launchChromium(): Promise<Browser> {
  // No skip when it is missing: CI installs it, and a browser test that quietly did not run proves nothing.
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking"],
  });
}

export interface ConfinedPage {
  page: Page;
  /** Every request the page tried to send anywhere but `origin` (all were aborted). */
  foreign: string[];
  /** Its requests to `origin`, in order, as "METHOD /path". */
  sent: string[];
}

export async function pageConfinedTo(
  browser: Browser,
  origin: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<ConfinedPage> {
  const context = await browser.newContext({ serviceWorkers: "block", ...options });
  const foreign: string[] = [];
  const sent: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:")) return route.continue();
    if (new URL(url).origin === origin) {
      sent.push(`${route.request().method()} ${new URL(url).pathname}`);
      return route.continue();
    }
    foreign.push(url);
    return route.abort("internetdisconnected");
  });
  return { page: await context.newPage(), foreign, sent };
}

/** Saves a full-page screenshot as test-artifacts/<name>.png (`name` may hold a folder). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
