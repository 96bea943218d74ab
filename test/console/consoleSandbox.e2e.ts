/**
 * The console on the real sandbox (two Go-built Kubernetes control planes, Prometheus, the workload
 * simulator; a real Git smart-HTTP remote; `startServe`), in Debian's Chromium: a sentence drafted by the
 * embedded parser is previewed, submitted and watched to Succeeded with both sites healthy and the SLO
 * charts within threshold; the regressing version (a new revision of the same intent) is watched to
 * RolledBack with the breach on the chart; the rollback button on a Succeeded intent makes a revert commit
 * on the remote; a read key sees no write control. Heavy (about 6–10 minutes on a loaded 2-core machine):
 * run under the lock: `HEAVY_LIMIT=1200 heavy npm run test:console`.
 */
import { join } from "node:path";
import { pino } from "pino";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";
import { type Serving, startServe } from "../../pipeline/api/startServe.js";
import { KEYS, writeKeys } from "../api/serveHarness.js";
import { type Loop, startLoop } from "../e2e/helpers.js";
import { gitCli } from "../support/gitHttpServer.js";
import { launchBrowser, newPage, screenshot, signIn } from "./browser.js";

/**
 * Short, as the e2e tests' window; one evaluation every 4 s, because a query's timeout is the interval and
 * on a loaded 2-core machine Prometheus took over 2 s to answer (an unanswered query is inconclusive,
 * which the policy rolls back — honest, but not the flow this file shows).
 */
const SLO: SloPolicyOverrides = {
  windowSeconds: 20,
  intervalSeconds: 4,
  rateWindowSeconds: 8,
  forSeconds: 8,
  minSamples: 3,
};
const sentence = (app: string, version: string) =>
  `deploy the ${app} app version ${version} on edge1 and edge2 with image registry.example.com/${app}:${version} and 2 replicas, p95 under 100 ms, error rate under 1 %`;

let loop: Loop;
let serving: Serving;
let bare: string;
let browser: Browser;

beforeAll(async () => {
  loop = await startLoop("console");
  const remote = await loop.gitServer.createRepo("delivery");
  bare = loop.gitServer.repoPath("delivery");
  serving = await startServe({
    cwd: loop.work,
    sites: loop.sandbox.sitesFile,
    repo: { dir: join(loop.work, "delivery.git"), remote },
    git: loop.git,
    keys: await writeKeys(loop.work),
    env: {},
    port: 0,
    kubeconfig: loop.sandbox.kubeconfigPath,
    slo: SLO,
    healthTimeoutMs: 60_000,
    logger: pino({ level: process.env.INTENTOPS_TEST_LOG ?? "silent" }),
  });
  browser = await launchBrowser();
}, 900_000);
afterAll(async () => {
  await browser?.close();
  await serving?.close();
  await loop?.stop();
}, 180_000);

/** New intent → sentence → preview (a new intent, or a new revision of `id`) → submit → the intent's view. */
async function submitSentence(page: Page, text: string, id: string, kind: string): Promise<void> {
  await page.getByRole("button", { name: "New intent" }).click();
  await page.getByLabel(/Say what you want/).fill(text);
  await page.keyboard.press("Control+Enter");
  await page.getByTestId("preview").waitFor();
  expect(await page.getByTestId("preview").locator("h3").first().textContent()).toContain(`(${kind},`);
  await page.getByRole("button", { name: "Submit" }).click();
  await page.getByRole("region", { name: `Intent ${id}` }).waitFor();
}

const TERMINAL = /^(Succeeded|Failed|RolledBack|RollbackFailed|CompensationFailed|Held)$/;

/** Waits for the newest run to end (the view shows it from the submit on), then expects `phase`. */
async function waitForPhase(page: Page, phase: string): Promise<void> {
  const latest = page.locator("[data-testid=latest-phase]", { hasText: TERMINAL });
  await latest.waitFor({ timeout: 600_000 });
  const ended = await latest.textContent();
  if (ended !== phase) {
    const error = await page.locator("details.run[open] .error").allTextContents();
    expect(`${ended} ${error.join(" ")}`.trim()).toBe(phase);
  }
}

describe("console on the real sandbox", () => {
  it("sentence → preview → submit → Succeeded: both sites healthy, SLO charts within threshold", async () => {
    const page = await newPage(browser);
    await signIn(page, serving.url, KEYS.writer);
    await submitSentence(page, sentence("analytics", "1.4.0"), "analytics", "a new intent");
    await waitForPhase(page, "Succeeded");
    for (const site of ["edge1", "edge2"]) {
      expect(await page.getByTestId(`site-${site}`).textContent()).toContain("Healthy");
    }
    const charts = page.getByTestId("slo-chart");
    await charts.first().waitFor({ timeout: 60_000 });
    expect(await charts.count()).toBeGreaterThanOrEqual(4);
    const breaches = await charts.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute("data-breaches"))),
    );
    expect(breaches.every((b) => b === 0)).toBe(true);
    expect(await page.getByTestId("chain-status").textContent()).toBe("verified");
    await screenshot(page, "10-succeeded");
    await page.context().close();
  }, 900_000);

  it("the regressing version: the chart shows the breach and the timeline ends RolledBack", async () => {
    const page = await newPage(browser);
    await signIn(page, serving.url, KEYS.writer);
    await submitSentence(page, sentence("analytics", "1.5.0"), "analytics", "a new revision");
    await waitForPhase(page, "RolledBack");
    const phases = await page
      .locator("details.run[open] [data-testid=timeline] li .step-name")
      .allTextContents();
    expect(phases).toContain("Verifying");
    expect(phases).toContain("RollingBack");
    expect(phases.at(-1)).toBe("RolledBack");
    await page.getByTestId("revert-commit").first().waitFor();
    await page
      .locator("[data-testid=slo-chart][data-breaches]:not([data-breaches='0'])")
      .first()
      .waitFor({ timeout: 60_000 });
    await page
      .locator("[data-testid=slo-chart][data-breaches]:not([data-breaches='0'])")
      .first()
      .scrollIntoViewIfNeeded();
    await screenshot(page, "11-rolled-back-breach");
    await page.context().close();
  }, 900_000);

  it("the rollback button on a Succeeded intent makes a revert commit on the remote (after a confirmation)", async () => {
    const page = await newPage(browser);
    await signIn(page, serving.url, KEYS.writer);
    await submitSentence(page, sentence("search", "1.4.0"), "search", "a new intent");
    await waitForPhase(page, "Succeeded");
    const before = (await gitCli(["rev-parse", "main"], bare)).trim();
    await page.getByRole("button", { name: "Roll back…" }).click();
    const dialog = page.getByRole("dialog", { name: "Roll back search?" });
    await dialog.waitFor();
    await screenshot(page, "12-rollback-confirm");
    // Cancel first: nothing happens.
    await page.keyboard.press("Enter");
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(before);
    await page.getByRole("button", { name: "Roll back…" }).click();
    await dialog.getByRole("button", { name: "Roll back" }).click();
    await page.getByTestId("rollback-result").waitFor();
    expect(await page.getByTestId("rollback-result").textContent()).toMatch(/^Reverted/);
    const subject = (await gitCli(["log", "-1", "--format=%s", "main"], bare)).trim();
    expect(subject).toMatch(/^Revert/);
    expect((await gitCli(["rev-parse", "main^"], bare)).trim()).toBe(before);
    await screenshot(page, "13-rolled-back-by-operator");
    await page.context().close();
  }, 900_000);

  it("a read key sees the intents, their runs and charts, and no write control", async () => {
    const page = await newPage(browser);
    await signIn(page, serving.url, KEYS.reader);
    await page.getByRole("button", { name: /analytics/ }).click();
    await page.getByRole("region", { name: "Intent analytics" }).waitFor();
    await page.getByTestId("slo-chart").first().waitFor();
    expect(await page.locator(".badge.readonly").textContent()).toBe("read-only");
    expect(await page.getByRole("button", { name: "New intent" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /Roll back/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Submit" }).count()).toBe(0);
    await screenshot(page, "14-read-only-sandbox");
    await page.context().close();
  }, 120_000);
});
