/**
 * Debian's Chromium (installed by .ci/install; never a downloaded browser) driven by playwright-core, at
 * 1280×800, with a screenshot helper: every screen a test visits is saved under `dist/screenshots/console/`
 * (or `$INTENTOPS_SCREENSHOTS`), named after the screen.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SCREENSHOTS = process.env.INTENTOPS_SCREENSHOTS ?? join(ROOT, "dist", "screenshots", "console");

/** The Chromium binary Debian's `chromium` package installs (the wrapper script's target first). */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/lib/chromium/chromium", "/usr/bin/chromium"];
  const found = candidates.find((p): p is string => Boolean(p) && existsSync(p!));
  if (!found)
    throw new Error("Debian's chromium is not installed: run .ci/install (apt-get install chromium)");
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Root in a container: Chromium's sandbox needs user namespaces this machine does not give.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Signs in with the keyboard only: focus is on the key field, Enter submits. */
export async function signIn(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.getByLabel("API key").waitFor();
  await page.keyboard.type(key);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}
