/**
 * Crash safety of `intentops run`: the pipeline process (the built CLI, a child process) is killed with
 * SIGKILL at every phase boundary and once in the middle of delivery (the commit is pushed, the journal does
 * not know it yet); `intentops run` started again with no intent resumes the run from its journal. After
 * each crash:
 *   - every run in the journal is terminal (Succeeded, or RolledBack if the short SLO window says so),
 *   - the remote has exactly one delivery commit for the revision (commits with its `Intent-Digest` trailer),
 *   - each site has exactly the revision's objects, listed by the intent's inventory label (no duplicates),
 *     recorded in an inventory at the delivered commit,
 *   - the evidence chain verifies.
 *
 * The kill comes from the process itself (`INTENTOPS_TEST_CRASH_AT`, pipeline/run/testCrashHook.ts) so that
 * it lands exactly at the boundary, not wherever the process happens to be when a watcher reacts.
 * One pair of sites, Prometheus and Git remote serve the whole file; the first revision is delivered once
 * without a crash, then each case delivers a new revision (a new description) with an 8 s SLO window.
 */
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyEvidence } from "../../pipeline/evidence/verifyEvidence.js";
import { openRepo } from "../../pipeline/git/openRepo.js";
import { readInventory } from "../../pipeline/reconcile/inventory.js";
import { createKubeClient } from "../../pipeline/reconcile/kubeClient.js";
import { packagesAt } from "../../pipeline/reconcile/syncFromGit.js";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { gitCli } from "../support/gitHttpServer.js";
import { gitLog, INTENT, type Loop, listLabelled, SITES, startLoop, subjectsOf } from "./helpers.js";

const root = resolve(import.meta.dirname, "..", "..");
const main = join(root, "dist", "pipeline", "cli", "main.js");

let loop: Loop;
let remote: string;
let bare: string;
let repoDir: string;
let stateDir: string;

beforeAll(async () => {
  loop = await startLoop("crash");
  remote = await loop.gitServer.createRepo("delivery");
  bare = loop.gitServer.repoPath("delivery");
  repoDir = join(loop.work, "delivery.git");
  stateDir = join(loop.work, "state");
  // The first revision, uncrashed and with a window long enough for a new workload's series to fill:
  // afterwards each case's revision keeps the workload's identity, so a short window has data at once.
  const file = join("intents", `${INTENT}.json`);
  await writeFile(join(loop.work, file), await readFile(join(root, file), "utf8"));
  const first = await run([file], {}, "16");
  if (first.code !== 0) throw new Error(`the first revision did not succeed:\n${first.stderr}`);
}, 600_000);

afterAll(async () => {
  await loop?.stop();
}, 120_000);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `intentops run [files] …` as its own process, in the work directory. */
function run(files: string[], env: Record<string, string> = {}, window = "8"): Promise<Exit> {
  const args = [
    main,
    "run",
    ...files,
    "--repo",
    repoDir,
    "--remote",
    remote,
    "--sites",
    loop.sandbox.sitesFile,
    "--state",
    stateDir,
    "--window",
    window,
  ];
  return new Promise((resolveExit, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: loop.work,
      env: { ...process.env, INTENTOPS_TEST_CRASH_AT: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolveExit({ code, signal, stdout, stderr }));
  });
}

/** A new revision of the good intent for each case (its description names the case): a new digest. */
async function writeRevision(label: string): Promise<string> {
  const intent = JSON.parse(await readFile(join(root, "intents", `${INTENT}.json`), "utf8")) as {
    description: string;
  };
  intent.description = `${intent.description} (crash case: ${label})`;
  const file = join("intents", `${INTENT}.json`);
  await writeFile(join(loop.work, file), `${JSON.stringify(intent, null, 2)}\n`);
  return file;
}

const CASES: Array<{ at: string; lastLine: RegExp | null }> = [
  { at: "Compiling", lastLine: /Pending → Compiling$/ },
  { at: "Rendering", lastLine: /Compiling → Rendering$/ },
  { at: "Delivering", lastLine: /Rendering → Delivering$/ },
  // The delivery commit is pushed and its evidence recorded; the journal does not have it.
  { at: "Delivering:after-step", lastLine: /Rendering → Delivering$/ },
  { at: "Reconciling", lastLine: /Delivering → Reconciling$/ },
  { at: "Reconciling:after-step", lastLine: /Delivering → Reconciling$/ },
  { at: "Verifying", lastLine: /Reconciling → Verifying$/ },
];

describe("intentops run killed with SIGKILL and started again", () => {
  it.each(CASES)(
    "resumes after a kill at $at: terminal, one commit, no duplicate objects",
    async ({ at, lastLine }) => {
      const file = await writeRevision(at);

      const killed = await run([file], { INTENTOPS_TEST_CRASH_AT: at });
      expect(killed.signal, killed.stderr).toBe("SIGKILL");
      const lines = killed.stderr.trim().split("\n");
      if (lastLine) expect(lines.filter((l) => l.includes(" → ")).at(-1)).toMatch(lastLine);
      const before = replayJournal(await readJournal(join(stateDir, "journal.jsonl")));
      const crashed = before.at(-1)!;
      expect(TERMINAL.has(crashed.phase)).toBe(false);

      const resumed = await run([]);
      expect(resumed.stderr).toContain(`resuming ${INTENT} (run ${crashed.runId.slice(0, 8)})`);

      // every run in the journal finished; this one as verification decided (the crash changes nothing there:
      // a short window can legitimately end in a rollback, and then the revert is what the sites must hold)
      const runs = replayJournal(await readJournal(join(stateDir, "journal.jsonl")));
      expect(runs.filter((r) => !TERMINAL.has(r.phase))).toEqual([]);
      const final = runs.find((r) => r.runId === crashed.runId)!;
      expect(["Succeeded", "RolledBack"], `${final.phase}: ${resumed.stderr}`).toContain(final.phase);
      // 0 when every run it reports Succeeded, 1 when one rolled back (e.g. a scale revision the run started)
      expect([0, 1], `${resumed.stdout}\n${resumed.stderr}`).toContain(resumed.code);
      const head = final.phase === "Succeeded" ? final.data.deliveryCommit! : final.data.revertCommit!;

      // one delivery commit for this revision on the remote's main
      const digest = final.data.intentDigest!;
      const log = await gitLog(bare);
      const delivered = log.filter(
        (c) => c.body.includes(`Intent-Digest: ${digest}`) && !c.subject.startsWith("Revert"),
      );
      expect(delivered.map((c) => c.sha)).toEqual([final.data.deliveryCommit]);
      expect(log[0]!.sha).toBe(head);
      await gitCli(["fsck", "--full", "--strict"], bare);

      // exactly the objects of the remote's head on each site, in an inventory at that commit
      const repo = await openRepo({ fs: loop.git.fs, dir: repoDir, init: false });
      for (const site of SITES) {
        const [pkg] = (await packagesAt(repo, head, site)).filter((p) => p.intentId === INTENT);
        expect(pkg, site).toBeDefined();
        expect(await listLabelled(loop.sandbox.kubeconfigPath, site, pkg!.objects)).toEqual(
          subjectsOf(pkg!.objects),
        );
        const kube = await createKubeClient({ kubeconfig: loop.sandbox.kubeconfigPath, context: site });
        try {
          const inventory = await readInventory(kube, INTENT);
          expect(inventory?.commit).toBe(head);
          expect(inventory?.objects.length).toBe(pkg!.objects.length);
        } finally {
          kube.close();
        }
      }

      const chain = await verifyEvidence({ dir: repoDir, intentId: INTENT, remote }, loop.git);
      expect(chain.problems).toEqual([]);
    },
    180_000,
  );
});
