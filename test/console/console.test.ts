/**
 * The console in Debian's Chromium against the real service (startServe, a real Git smart-HTTP remote; no
 * cluster here — the runs fail at Reconciling and are compensated, which the timeline must show): sign in
 * with the keyboard, draft a sentence with the embedded parser, preview, submit, watch the run; a refused
 * sentence shows its problems; a read key sees no write control. Heavy (a browser): run under the lock.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, KEYS, startHarness } from "../api/serveHarness.js";
import { launchBrowser, newPage, screenshot, signIn } from "./browser.js";

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const SENTENCE =
  "deploy the analytics app version 1.4.0 on edge1 and edge2 with image registry.example.com/analytics:1.4.0 and 3 replicas, p95 under 100 ms, error rate under 1 %";

describe("console (write key)", () => {
  it("serves the console without a key, and its API calls need one", async () => {
    const page = await fetch(`${h.base}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="importmap">');
    expect((await fetch(`${h.base}/console/vendor/preact.mjs`)).status).toBe(200);
    expect((await fetch(`${h.base}/console/vendor/other.mjs`)).status).toBe(404);
    expect((await fetch(`${h.base}/api/intents`)).status).toBe(401);
  });

  it("refuses an unknown key on the sign-in screen", async () => {
    const page = await newPage(browser);
    await page.goto(`${h.base}/console/`);
    await page.getByLabel("API key").fill("not-a-key");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("alert").textContent()).resolves.toContain("not known");
    await page.getByLabel("API key").fill("");
    await screenshot(page, "01-sign-in");
    await page.context().close();
  });

  it("keyboard only: sentence → preview (what was read, changes per site) → submit → the run's timeline", async () => {
    const page = await newPage(browser);
    await signIn(page, h.base, KEYS.writer);
    // Tab to "New intent" and press Enter; the composer's text area is next.
    await page.getByRole("button", { name: "New intent" }).focus();
    await page.keyboard.press("Enter");
    await page.getByLabel(/Say what you want/).focus();
    await page.keyboard.type(SENTENCE);
    await page.keyboard.press("Control+Enter");
    const preview = page.getByTestId("preview");
    await preview.waitFor();
    const text = await preview.textContent();
    expect(text).toContain("What was understood");
    expect(text).toContain("io:p95Latency quan:smaller 100 ms");
    expect(text).toContain("edge1: ");
    expect(text).toContain("added Deployment/analytics/analytics");
    await screenshot(page, "02-preview");
    await page.getByRole("button", { name: "Submit" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("region", { name: "Intent analytics" }).waitFor();
    // The run goes on without a cluster until Reconciling gives up; the timeline follows it live.
    await page.locator("[data-testid=timeline] li").nth(3).waitFor({ timeout: 120_000 });
    const phases = await page.locator("[data-testid=timeline] li .step-name").allTextContents();
    expect(phases.slice(0, 4)).toEqual(["Pending", "Compiling", "Rendering", "Delivering"]);
    expect(await page.getByTestId("phase-analytics").textContent()).toBeTruthy();
    await screenshot(page, "03-run-timeline");
    await page.context().close();
  });

  it("a sentence naming an unknown site shows the problem and nothing to submit", async () => {
    const page = await newPage(browser);
    await signIn(page, h.base, KEYS.writer);
    await page.getByRole("button", { name: "New intent" }).click();
    await page
      .getByLabel(/Say what you want/)
      .fill("deploy analytics on edge7 with image registry.example.com/a:1");
    await page.getByRole("button", { name: /Preview/ }).click();
    const alert = page.locator(".problem");
    await alert.waitFor();
    expect(await alert.textContent()).toContain('"edge7" is not a site of the registry');
    expect(await page.getByRole("button", { name: "Submit" }).isDisabled()).toBe(true);
    await screenshot(page, "04-draft-problem");
    await page.context().close();
  });
});

describe("console (read key)", () => {
  it("shows intents and runs, with no write control", async () => {
    const page = await newPage(browser);
    await signIn(page, h.base, KEYS.reader);
    expect(await page.locator(".badge.readonly").textContent()).toBe("read-only");
    await page.getByRole("button", { name: /analytics/ }).click();
    await page.getByRole("region", { name: "Intent analytics" }).waitFor();
    expect(await page.getByRole("button", { name: "New intent" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /Roll back/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Submit" }).count()).toBe(0);
    await screenshot(page, "05-read-only");
    await page.context().close();
  });
});
