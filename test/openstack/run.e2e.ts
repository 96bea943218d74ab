/**
 * `intentops run intents/web-app-stack.json` on the OpenStack sandbox, as a user runs it (the built CLI, a
 * bare delivery repository, the sandbox's site registry): compile → render → deliver → reconcile (the
 * OpenStack driver, by site kind) → verify, where an OpenStack site's health is its resources' status read
 * from the live APIs. A healthy stack ends Succeeded (and `intentops delete` removes it); a server an
 * operator puts in ERROR during the verification window is a breach of the availability target, and the
 * run rolls back: the revert's reconcile removes the stack. (A site whose status cannot be read stays
 * inconclusive: verifyOpenStackSite.test.ts.)
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { resetServerState } from "../../pipeline/openstack/compute/servers/requests.js";
import type { SagaRecord } from "../../pipeline/openstack/saga/sagaStore.js";
import { readLiveStack } from "../../pipeline/openstack/stack/readLiveStack.js";
import { type Fixture, openFixture } from "./support/openStackFixture.js";
import { INTENT_ID } from "./support/webAppStack.js";

const ROOT = join(import.meta.dirname, "../..");
let f: Fixture;
let work: string;

beforeAll(async () => {
  f = await openFixture();
  work = await mkdtemp(join(tmpdir(), "intentops-os-run-"));
  await mkdir(join(work, "intents"), { recursive: true });
  const file = join("intents", `${INTENT_ID}.json`);
  await writeFile(join(work, file), await readFile(join(ROOT, file), "utf8"));
  // The sandbox's registry as it is: the OpenStack site names no Prometheus — none is needed.
  await writeFile(join(work, "intents", "sites.yaml"), stringify(f.sandbox.registry));
});

const ARGS = () => ["--repo", join(work, "delivery.git"), "--state", join(work, "state"), "--json"];
const MAIN = join(ROOT, "dist", "pipeline", "cli", "main.js");

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [MAIN, ...args, ...ARGS()], {
    cwd: work,
    encoding: "utf8",
    timeout: 1_200_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface RunJson {
  runs: Array<{
    phase: string;
    intentId: string;
    data: { verdict?: { decision: string; action?: string; reasons: string[] } };
  }>;
}

async function sagaHistory(): Promise<SagaRecord[]> {
  const file = join(work, "state", "openstack", "openstack1", `${INTENT_ID}.history.jsonl`);
  return (await readFile(file, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as SagaRecord);
}

const servers = (r: SagaRecord) =>
  r.steps
    .filter((s) => s.kind === "Server")
    .map((s) => `${s.op} ${s.name}`)
    .sort();
const FIVE = ["shop-app-0", "shop-app-1", "shop-db-0", "shop-web-0", "shop-web-1"];

describe("intentops run on an OpenStack site", () => {
  it("a healthy stack: Succeeded on the resources' live status; delete removes it", async () => {
    const run = cli("run", `intents/${INTENT_ID}.json`, "--window", "12");
    const { runs } = JSON.parse(run.stdout) as RunJson;
    expect(
      runs.map((r) => [r.intentId, r.phase]),
      run.stderr,
    ).toEqual([[INTENT_ID, "Succeeded"]]);
    expect(run.status).toBe(0);
    const verdict = runs[0]!.data.verdict!;
    expect(verdict.decision).toBe("pass");
    expect(verdict.reasons.join("\n")).toMatch(/openstack1\/web-app-stack: all 1 target\(s\) met/);
    const live = await readLiveStack(f.user(), { site: "openstack1", intentId: INTENT_ID });
    expect(live.servers.map((s) => [s.name, s.resource.status])).toEqual(FIVE.map((n) => [n, "ACTIVE"]));
    expect(live.volumes.map((v) => [v.name, v.resource.status])).toEqual([["shop-db-0-data", "in-use"]]);

    const deleted = cli("delete", INTENT_ID);
    const final = JSON.parse(deleted.stdout) as { run?: { phase: string }; runs?: Array<{ phase: string }> };
    expect(final.run?.phase ?? final.runs?.[0]?.phase, deleted.stderr).toBe("Deleted");
    const left = await readLiveStack(f.user(), { site: "openstack1" });
    expect(Object.values(left).flat()).toEqual([]);
  });

  it("a server in ERROR during verification: availability breached, rolled back, nothing left", async () => {
    const before = (await sagaHistory()).length;
    const child = spawn(
      process.execPath,
      [MAIN, "run", `intents/${INTENT_ID}.json`, "--window", "30", ...ARGS()],
      {
        cwd: work,
      },
    );
    let stdout = "";
    let stderr = "";
    let broken: string | undefined;
    let breaking: Promise<void> | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // The stack was applied and found healthy (the driver's last line before Verifying); now an operator
      // (admin) puts one server in ERROR.
      if (!breaking && stderr.includes("openstack1/web-app-stack: success")) {
        breaking = (async () => {
          const live = await readLiveStack(f.user(), { site: "openstack1", intentId: INTENT_ID });
          const web = live.servers.find((s) => s.name === "shop-web-0")!;
          await resetServerState(f.admin, web.resource.id, "error");
          broken = web.resource.id;
        })();
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    await breaking;
    expect(broken, stderr).toBeDefined();
    const { runs } = JSON.parse(stdout) as RunJson;
    expect(
      runs.map((r) => [r.intentId, r.phase]),
      stderr,
    ).toEqual([[INTENT_ID, "RolledBack"]]);
    expect(status).toBe(1);
    const verdict = runs[0]!.data.verdict!;
    expect(verdict).toMatchObject({ decision: "breach", action: "rollback" });
    expect(verdict.reasons.join("\n")).toMatch(/availability/);

    // This run's sagas: the deployment made the five servers, the revert's removed them (the one in ERROR too).
    const sagas = (await sagaHistory()).slice(before);
    expect(sagas.map((r) => r.status)).toEqual(["completed", "completed"]);
    expect(servers(sagas[0]!)).toEqual(FIVE.map((n) => `create ${n}`));
    expect(servers(sagas[1]!)).toEqual(FIVE.map((n) => `delete ${n}`));
    const left = await readLiveStack(f.user(), { site: "openstack1" });
    expect(Object.values(left).flat()).toEqual([]);
  });
});
