/**
 * Crash safety of `intentops run`: the pipeline process (the built CLI, a child process) is killed with
 * SIGKILL at every phase boundary, in the middle of delivery (the commit is pushed, the journal does not know
 * it yet), at three points inside RollingBack (the revert pushed but not journalled; the sites restored but
 * not journalled; during the re-verification) and twice inside Compensating; `intentops run` started again
 * with no intent resumes the run from its journal. After each crash:
 *   - the run ends in the one state its case calls for (a good revision Succeeded, a regressing one
 *     RolledBack, a revision edge2 refuses Failed after compensation), with that state's exit code,
 *   - the remote has exactly one delivery commit for the revision (commits with its `Intent-Digest` trailer)
 *     and at most one revert of it,
 *   - each site has exactly the objects of the remote's head, listed by the intent's inventory label (no
 *     duplicates, none missing), recorded in an inventory at that commit,
 *   - the evidence chain verifies.
 *
 * The kill comes from the process itself (`INTENTOPS_TEST_CRASH_AT`, pipeline/run/testCrashHook.ts) so that
 * it lands exactly at the boundary, not wherever the process happens to be when a watcher reacts.
 * One pair of sites, Prometheus and Git remote serve the whole file; the first revision is delivered once
 * without a crash, then each case delivers a new revision (a new description) with a 16 s SLO window.
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
import { type Phase, TERMINAL, TERMINAL_STATES, type TerminalPhase } from "../../pipeline/run/runTypes.js";
import { ensureControlPlaneBinary } from "../support/controlPlane.js";
import { gitCli } from "../support/gitHttpServer.js";
import {
  gitLog,
  INTENT,
  type Loop,
  listLabelled,
  liveDigestAnnotation,
  rogueApply,
  SITES,
  startLoop,
  subjectsOf,
} from "./helpers.js";

const root = resolve(import.meta.dirname, "..", "..");
const main = join(root, "dist", "pipeline", "cli", "main.js");

let loop: Loop;
let remote: string;
let bare: string;
let repoDir: string;
let stateDir: string;
let kubectl: string;

beforeAll(async () => {
  kubectl = (await ensureControlPlaneBinary()).kubectl;
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
function run(files: string[], env: Record<string, string> = {}, window = "16"): Promise<Exit> {
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

/** What a case delivers: the good intent, the regressing one (1.5.0), each with a description naming the case. */
type Kind = "good" | "regression" | "refused-by-edge2";
const SOURCE: Record<Kind, string> = {
  good: join(root, "intents", `${INTENT}.json`),
  "refused-by-edge2": join(root, "intents", `${INTENT}.json`),
  regression: join(root, "intents", "revisions", "edge-analytics.v3-regression.json"),
};

async function writeRevision(kind: Kind, label: string): Promise<string> {
  const intent = JSON.parse(await readFile(SOURCE[kind], "utf8")) as { description: string };
  intent.description = `${intent.description} (crash case: ${label})`;
  const file = join("intents", `${INTENT}.json`);
  await writeFile(join(loop.work, file), `${JSON.stringify(intent, null, 2)}\n`);
  return file;
}

interface Case {
  at: string;
  kind: Kind;
  /** The last transition printed before the kill. */
  lastLine: RegExp;
  /** The one correct end. */
  final: TerminalPhase;
}

const CASES: Case[] = [
  { at: "Compiling", kind: "good", lastLine: /Pending → Compiling$/, final: "Succeeded" },
  { at: "Rendering", kind: "good", lastLine: /Compiling → Rendering$/, final: "Succeeded" },
  { at: "Delivering", kind: "good", lastLine: /Rendering → Delivering$/, final: "Succeeded" },
  // The delivery commit is pushed and its evidence recorded; the journal does not have it.
  { at: "Delivering:after-step", kind: "good", lastLine: /Rendering → Delivering$/, final: "Succeeded" },
  { at: "Reconciling", kind: "good", lastLine: /Delivering → Reconciling$/, final: "Succeeded" },
  { at: "Reconciling:after-step", kind: "good", lastLine: /Delivering → Reconciling$/, final: "Succeeded" },
  { at: "Verifying", kind: "good", lastLine: /Reconciling → Verifying$/, final: "Succeeded" },
  { at: "RollingBack", kind: "regression", lastLine: /Verifying → RollingBack$/, final: "RolledBack" },
  // The revert is pushed (and quarantined); the journal does not know it.
  {
    at: "RollingBack:before-checkpoint:revertCommit",
    kind: "regression",
    lastLine: /Verifying → RollingBack$/,
    final: "RolledBack",
  },
  // Both sites are restored to the revert; the journal does not know it.
  {
    at: "RollingBack:before-checkpoint:restored",
    kind: "regression",
    lastLine: /Verifying → RollingBack$/,
    final: "RolledBack",
  },
  // Two seconds into the re-verification of the restored revision.
  {
    at: "RollingBack:after-checkpoint:restored+2000",
    kind: "regression",
    lastLine: /Verifying → RollingBack$/,
    final: "RolledBack",
  },
  // edge2 refuses the revision: the revert is pushed, the journal does not know it.
  {
    at: "Compensating:before-checkpoint:compensation",
    kind: "refused-by-edge2",
    lastLine: /Reconciling → Compensating$/,
    final: "Failed",
  },
  // The revert is journalled; no site is restored yet.
  {
    at: "Compensating:after-checkpoint:compensation",
    kind: "refused-by-edge2",
    lastLine: /Reconciling → Compensating$/,
    final: "Failed",
  },
];

/** The commit the sites must hold when a run has ended in `phase`. */
function expectedHead(final: {
  phase: Phase;
  data: {
    deliveryCommit?: string | null;
    revertCommit?: string;
    compensation?: { revertCommit?: string | null };
  };
}) {
  if (final.phase === "RolledBack") return final.data.revertCommit!;
  if (final.phase === "Failed") return final.data.compensation!.revertCommit!;
  return final.data.deliveryCommit!;
}

describe("intentops run killed with SIGKILL and started again", () => {
  it.each(CASES)(
    "resumes after a kill at $at: $final, one commit, at most one revert, no duplicate objects",
    async ({ at, kind, lastLine, final: expected }) => {
      const file = await writeRevision(kind, at);
      if (kind === "refused-by-edge2")
        await rogueApply(loop, kubectl, await liveDigestAnnotation(loop, kubectl));
      try {
        const killed = await run([file], { INTENTOPS_TEST_CRASH_AT: at });
        expect(killed.signal, killed.stderr).toBe("SIGKILL");
        const lines = killed.stderr.trim().split("\n");
        expect(lines.filter((l) => l.includes(" → ")).at(-1)).toMatch(lastLine);
        const before = replayJournal(await readJournal(join(stateDir, "journal.jsonl")));
        const crashed = before.at(-1)!;
        expect(TERMINAL.has(crashed.phase)).toBe(false);

        const resumed = await run([]);
        expect(resumed.stderr).toContain(`resuming ${INTENT} (run ${crashed.runId.slice(0, 8)})`);

        // every run in the journal finished, this one in the state its case calls for, with that exit code
        const runs = replayJournal(await readJournal(join(stateDir, "journal.jsonl")));
        expect(runs.filter((r) => !TERMINAL.has(r.phase))).toEqual([]);
        const final = runs.find((r) => r.runId === crashed.runId)!;
        expect(final.phase, `${JSON.stringify(final.error)}\n${resumed.stderr}`).toBe(expected);
        expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(TERMINAL_STATES[expected].exit);
        if (expected === "Failed") expect(final.data.compensation?.result).toBe("compensated");
        const head = expectedHead(final);

        // one delivery commit for this revision on the remote's main, and at most one revert of it
        const digest = final.data.intentDigest!;
        const log = await gitLog(bare);
        const delivered = log.filter(
          (c) => c.body.includes(`Intent-Digest: ${digest}`) && !c.subject.startsWith("Revert"),
        );
        expect(delivered.map((c) => c.sha)).toEqual([final.data.deliveryCommit]);
        const reverts = log.filter((c) =>
          c.body.includes(`This reverts commit ${final.data.deliveryCommit}.`),
        );
        expect(reverts.map((c) => c.sha)).toEqual(expected === "Succeeded" ? [] : [head]);
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
      } finally {
        if (kind === "refused-by-edge2") await rogueApply(loop, kubectl, null);
      }
    },
    240_000,
  );
});
