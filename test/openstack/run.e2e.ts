/**
 * `intentops run intents/web-app-stack.json` on the OpenStack sandbox, as a user runs it (the built CLI, a
 * bare delivery repository, the sandbox's site registry): compile → render → deliver → reconcile (the
 * OpenStack driver, by site kind) → verify. The stack's availability target has no data here (FakeDriver
 * boots no workload, so nothing is scraped): a real Prometheus answers with no samples, the verdict is
 * inconclusive — never a pass — and the default policy rolls back: the revert's reconcile removes the stack.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { SiteRegistry } from "../../compiler/types.js";
import type { SagaRecord } from "../../pipeline/openstack/saga/sagaStore.js";
import { readLiveStack } from "../../pipeline/openstack/stack/readLiveStack.js";
import { type PrometheusServer, startPrometheus } from "../../pipeline/sandbox/startPrometheus.js";
import { type Fixture, openFixture } from "./support/openStackFixture.js";
import { INTENT_ID } from "./support/webAppStack.js";

const ROOT = join(import.meta.dirname, "../..");
let f: Fixture;
let prometheus: PrometheusServer;
let work: string;

beforeAll(async () => {
  f = await openFixture();
  prometheus = await startPrometheus({ targets: [] });
  work = await mkdtemp(join(tmpdir(), "intentops-os-run-"));
  await mkdir(join(work, "intents"), { recursive: true });
  const file = join("intents", `${INTENT_ID}.json`);
  await writeFile(join(work, file), await readFile(join(ROOT, file), "utf8"));
  const registry: SiteRegistry = {
    ...f.sandbox.registry,
    sites: f.sandbox.registry.sites.map((s) => ({ ...s, prometheus: { url: prometheus.url } })),
  };
  await writeFile(join(work, "intents", "sites.yaml"), stringify(registry));
});

afterAll(async () => {
  await prometheus?.stop();
});

function cli(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, "dist", "pipeline", "cli", "main.js"),
      ...args,
      "--repo",
      join(work, "delivery.git"),
      "--state",
      join(work, "state"),
      "--json",
    ],
    { cwd: work, encoding: "utf8", timeout: 1_200_000 },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("intentops run on an OpenStack site", () => {
  it("reaches a terminal state: applied, SLOs undecidable, rolled back under the fail-closed default, nothing left", async () => {
    const run = cli("run", `intents/${INTENT_ID}.json`, "--window", "5");
    const { runs } = JSON.parse(run.stdout) as {
      runs: Array<{ phase: string; intentId: string; error?: { code: string } }>;
    };
    // No dataplane, so no availability series: inconclusive, and the default policy (onInconclusive:
    // rollback) reverts the revision — its previous set of resources at the site is none.
    expect(
      runs.map((r) => [r.intentId, r.phase]),
      run.stderr,
    ).toEqual([[INTENT_ID, "RolledBack"]]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Reconciling → Verifying");
    const sagas = (
      await readFile(join(work, "state", "openstack", "openstack1", `${INTENT_ID}.history.jsonl`), "utf8")
    )
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as SagaRecord);
    const servers = (r: SagaRecord) =>
      r.steps.filter((s) => s.kind === "Server").map((s) => `${s.op} ${s.name}`);
    expect(sagas.map((r) => r.status)).toEqual(["completed", "completed"]);
    expect(servers(sagas[0]!).sort()).toEqual([
      "create shop-app-0",
      "create shop-app-1",
      "create shop-db-0",
      "create shop-web-0",
      "create shop-web-1",
    ]);
    expect(servers(sagas[1]!).sort()).toEqual([
      "delete shop-app-0",
      "delete shop-app-1",
      "delete shop-db-0",
      "delete shop-web-0",
      "delete shop-web-1",
    ]);
    const left = await readLiveStack(f.user(), { site: "openstack1" });
    expect(Object.values(left).flat()).toEqual([]);
  });
});
