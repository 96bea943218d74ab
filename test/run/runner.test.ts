import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IntentopsError } from "../../compiler/errors.js";
import type { RunSteps, StepContext, Verdict } from "../../pipeline/run/advanceRun.js";
import { createRunner, type RunnerOptions } from "../../pipeline/run/createRunner.js";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { exitCodeOf, type Phase, type RunState } from "../../pipeline/run/runTypes.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "intentops-run-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Steps that record their calls; each can be overridden per test. */
function fakeSteps(
  overrides: Partial<RunSteps> = {},
  verdict: Verdict = { decision: "pass", action: "none", reasons: [] },
) {
  const calls: string[] = [];
  const step =
    (name: keyof RunSteps, data: object = {}) =>
    async (run: RunState, ctx: StepContext) => {
      calls.push(`${run.intentId}:${name}`);
      const override = overrides[name];
      if (override) return override(run, ctx) as never;
      return data as never;
    };
  const steps: RunSteps = {
    compile: step("compile", { intentDigest: "sha256:x", sites: ["edge1"] }),
    render: step("render", { renderedDigests: { edge1: "sha256:r" } }),
    deliver: step("deliver", { deliveryCommit: "c1", deliveryHead: "c1", deliveryCommitted: true }),
    reconcile: step("reconcile", { reconciled: { edge1: { commit: "c1", healthy: true } } }),
    verify: step("verify", { verdict }),
    rollback: step("rollback", { revertCommit: "r1", outcome: "RolledBack" }),
    compensate: step("compensate", { outcome: "Failed" }),
    delete: step("delete", { deleted: { edge1: { pruned: 3, ok: true } } }),
  };
  return { steps, calls };
}

const clock = () => new Date("2026-11-22T12:00:00Z");
const noSleep = async () => undefined;
let ids = 0;
const newId = () => `run-${++ids}`;

/** A runner on the test's journal with the fake clock, no sleeping and numbered run ids. */
function openRunner(steps: RunSteps, options: Partial<RunnerOptions> = {}) {
  return createRunner({
    journalPath: join(dir, "journal.jsonl"),
    steps,
    clock,
    sleep: noSleep,
    newId,
    ...options,
  });
}

async function runOne(
  steps: RunSteps,
  options: { maxRetries?: number; timeouts?: Record<string, number>; abortGraceMs?: number } = {},
) {
  const runner = await openRunner(steps, options);
  const run = await runner.submit({
    intentId: "app",
    source: { file: "intents/app.json", digest: "sha256:s" },
  });
  const final = await runner.wait(run.runId);
  await runner.close();
  return final;
}

async function phasesOf(runId: string): Promise<Phase[]> {
  const events = await readJournal(join(dir, "journal.jsonl"));
  return events.flatMap((e) => (e.type === "phase" && e.runId === runId ? [e.phase] : []));
}

describe("the run phase machine", () => {
  it("GIVEN passing steps WHEN a run is submitted THEN it goes through every phase to Succeeded, journalled", async () => {
    const { steps, calls } = fakeSteps();
    const run = await runOne(steps);
    expect(run.phase).toBe("Succeeded");
    expect(calls).toEqual(["app:compile", "app:render", "app:deliver", "app:reconcile", "app:verify"]);
    expect(await phasesOf(run.runId)).toEqual([
      "Compiling",
      "Rendering",
      "Delivering",
      "Reconciling",
      "Verifying",
      "Succeeded",
    ]);
    expect(run.data).toMatchObject({ deliveryCommit: "c1", sites: ["edge1"], verdict: { decision: "pass" } });
  });

  it("GIVEN a breach whose action is rollback THEN Verifying → RollingBack → RolledBack", async () => {
    const { steps, calls } = fakeSteps(
      {},
      { decision: "breach", action: "rollback", reasons: ["p95Latency 250 ms ≥ 100 ms"] },
    );
    const run = await runOne(steps);
    expect(run.phase).toBe("RolledBack");
    expect(calls.at(-1)).toBe("app:rollback");
    expect(run.data.revertCommit).toBe("r1");
  });

  it("GIVEN an inconclusive verdict whose policy is fail THEN the run fails (never Succeeded)", async () => {
    const { steps } = fakeSteps({}, { decision: "inconclusive", action: "fail", reasons: ["no data"] });
    const run = await runOne(steps);
    expect(run.phase).toBe("Failed");
    expect(run.error?.code).toBe("E_SLO");
  });

  it("GIVEN a transient delivery error THEN the phase is retried with backoff and the run succeeds", async () => {
    let failures = 2;
    const { steps, calls } = fakeSteps({
      deliver: async () => {
        if (failures-- > 0) throw new IntentopsError("E_REMOTE", "remote hung up");
        return { deliveryCommit: "c2", deliveryHead: "c2" };
      },
    });
    const run = await runOne(steps);
    expect(run.phase).toBe("Succeeded");
    expect(calls.filter((c) => c === "app:deliver")).toHaveLength(3);
    expect((await phasesOf(run.runId)).filter((p) => p === "Delivering")).toHaveLength(3);
  });

  it("GIVEN a permanent error THEN Failed with the error's code and subject, no later phase", async () => {
    const { steps, calls } = fakeSteps({
      render: async () => {
        throw new IntentopsError("E_GEN_UNSUPPORTED", "no generator", { subject: "openstack1/app" });
      },
    });
    const run = await runOne(steps);
    expect(run.phase).toBe("Failed");
    expect(run.error).toEqual({
      code: "E_GEN_UNSUPPORTED",
      message: "no generator",
      subject: "openstack1/app",
      failedIn: "Rendering",
    });
    expect(calls).not.toContain("app:deliver");
  });

  it("GIVEN a reconcile that outlives its limit THEN the attempt is stopped before the retry starts, and the journal says why", async () => {
    const events: string[] = [];
    let attempts = 0;
    const { steps } = fakeSteps({
      reconcile: async (_run, { signal }) => {
        const attempt = ++attempts;
        events.push(`start ${attempt}`);
        // Works until aborted, then needs a moment to stop (as an in-flight apply does).
        await new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        await new Promise((r) => setTimeout(r, 20));
        events.push(`stopped ${attempt}`);
        throw signal.reason;
      },
    });
    const run = await runOne(steps, { maxRetries: 1, timeouts: { Reconciling: 30 } });
    expect(events).toEqual(["start 1", "stopped 1", "start 2", "stopped 2"]);
    expect(run.error?.code).toBe("E_PHASE_TIMEOUT");
    const notes = (await readJournal(join(dir, "journal.jsonl"))).flatMap((e) =>
      e.type === "phase" && e.note ? [e.note] : [],
    );
    expect(notes).toEqual([
      "phase Reconciling did not finish within 30 ms; the attempt was stopped; retrying (the step is idempotent)",
    ]);
  });

  it("GIVEN a step that ignores its abort THEN the run fails E_STEP_STUCK instead of retrying beside it", async () => {
    let attempts = 0;
    const { steps } = fakeSteps({
      verify: () => {
        attempts++;
        return new Promise(() => undefined);
      },
    });
    const run = await runOne(steps, { maxRetries: 3, timeouts: { Verifying: 20 }, abortGraceMs: 40 });
    expect(run.error?.code).toBe("E_STEP_STUCK");
    expect(attempts).toBe(1);
  });
});

describe("resume after a crash", () => {
  it("GIVEN a journal whose run stopped in Reconciling THEN a new runner resumes it there, not from the start", async () => {
    const journalPath = join(dir, "journal.jsonl");
    const at = clock().toISOString();
    const run: RunState = {
      runId: "run-crashed",
      intentId: "app",
      source: { file: "intents/app.json", digest: "sha256:s" },
      phase: "Pending",
      attempt: 0,
      createdAt: at,
      updatedAt: at,
      data: {},
    };
    const lines = [
      { type: "created", at, run },
      { type: "phase", at, runId: run.runId, phase: "Compiling" },
      { type: "data", at, runId: run.runId, data: { intentDigest: "sha256:x", sites: ["edge1"] } },
      { type: "phase", at, runId: run.runId, phase: "Rendering" },
      { type: "phase", at, runId: run.runId, phase: "Delivering" },
      { type: "data", at, runId: run.runId, data: { deliveryCommit: "c1", deliveryHead: "c1" } },
      { type: "phase", at, runId: run.runId, phase: "Reconciling" },
    ];
    // The process died while writing the next line: a torn, partial entry.
    await writeFile(
      journalPath,
      `${lines.map((l) => JSON.stringify(l)).join("\n")}\n{"type":"data","at":"2026-11-2`,
    );
    const { steps, calls } = fakeSteps();
    const runner = await createRunner({ journalPath, steps, clock, sleep: noSleep, newId });
    const resumed = await runner.resume();
    expect(resumed.map((r) => [r.runId, r.phase])).toEqual([["run-crashed", "Reconciling"]]);
    const final = await runner.wait("run-crashed");
    await runner.close();
    expect(final.phase).toBe("Succeeded");
    expect(calls).toEqual(["app:reconcile", "app:verify"]);
    expect(final.data.deliveryCommit).toBe("c1");
  });

  it("GIVEN only terminal runs in the journal THEN nothing is resumed", async () => {
    const { steps } = fakeSteps();
    await runOne(steps);
    const runner = await openRunner(steps);
    expect(await runner.resume()).toEqual([]);
    await runner.close();
  });
});

describe("concurrency", () => {
  it("GIVEN two revisions of one intent THEN they run one after the other; other intents run alongside", async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { steps } = fakeSteps({
      deliver: async (run) => {
        order.push(`start ${run.runId}`);
        if (run.runId === "a1") await gate;
        order.push(`end ${run.runId}`);
        return { deliveryCommit: run.runId, deliveryHead: run.runId };
      },
    });
    const names = ["a1", "a2", "b1"];
    const runner = await createRunner({
      journalPath: join(dir, "journal.jsonl"),
      steps,
      clock,
      sleep: noSleep,
      newId: () => names.shift()!,
    });
    await runner.submit({ intentId: "a", source: { file: "intents/a.json", digest: "sha256:1" } });
    await runner.submit({ intentId: "a", source: { file: "intents/a.json", digest: "sha256:2" } });
    await runner.submit({ intentId: "b", source: { file: "intents/b.json", digest: "sha256:3" } });
    await runner.wait("b1");
    expect(order).toEqual(["start a1", "start b1", "end b1"]);
    release();
    await runner.idle();
    await runner.close();
    expect(order).toEqual(["start a1", "start b1", "end b1", "end a1", "start a2", "end a2"]);
  });

  it("GIVEN a run still verifying WHEN a newer revision arrives THEN the older run is superseded", async () => {
    let verifying!: () => void;
    const inVerify = new Promise<void>((resolve) => {
      verifying = resolve;
    });
    const { steps } = fakeSteps({
      verify: async (run, { signal }) => {
        if (run.runId === "old") {
          verifying();
          await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
        }
        return { verdict: { decision: "pass", action: "none", reasons: [] } };
      },
    });
    const names = ["old", "new"];
    const journalPath = join(dir, "journal.jsonl");
    const runner = await createRunner({
      journalPath,
      steps,
      clock,
      sleep: noSleep,
      newId: () => names.shift()!,
    });
    await runner.submit({ intentId: "a", source: { file: "intents/a.json", digest: "sha256:1" } });
    await inVerify;
    await runner.submit({ intentId: "a", source: { file: "intents/a.json", digest: "sha256:2" } });
    const [older, newer] = await Promise.all([runner.wait("old"), runner.wait("new")]);
    await runner.close();
    expect(older.phase).toBe("Failed");
    expect(newer.phase).toBe("Succeeded");
    const replayed = replayJournal(await readJournal(journalPath));
    expect(replayed.find((r) => r.runId === "old")?.supersededBy).toBe("new");
    expect(JSON.parse((await readFile(journalPath, "utf8")).split("\n")[0]!).type).toBe("created");
  });
});

describe("retry", () => {
  it("GIVEN a run that failed in Delivering WHEN retried THEN it re-enters Delivering and can succeed", async () => {
    let broken = true;
    const { steps, calls } = fakeSteps({
      deliver: async () => {
        if (broken) throw new IntentopsError("E_DELIVERY_CONFLICT", "someone changed the same files");
        return { deliveryCommit: "c3", deliveryHead: "c3" };
      },
    });
    const journalPath = join(dir, "journal.jsonl");
    const runner = await createRunner({ journalPath, steps, clock, sleep: noSleep, newId });
    const run = await runner.submit({
      intentId: "app",
      source: { file: "intents/app.json", digest: "sha256:s" },
    });
    const failed = await runner.wait(run.runId);
    expect(failed.phase).toBe("Failed");
    expect(failed.error?.failedIn).toBe("Delivering");
    broken = false;
    const retried = await runner.retry(run.runId);
    await runner.close();
    expect(retried.phase).toBe("Succeeded");
    expect(calls.filter((c) => c === "app:compile")).toHaveLength(1);
    const replayed = replayJournal(await readJournal(journalPath)).find((r) => r.runId === run.runId);
    expect(replayed?.phase).toBe("Succeeded");
  });

  it("GIVEN a run retried while its aborted attempt still finishes (evidence push) THEN the retried attempt can be aborted too", async () => {
    let entered: () => void = () => undefined;
    const verifying = () =>
      new Promise<void>((resolve) => {
        entered = resolve;
      });
    const { steps } = fakeSteps({
      verify: (_run, { signal }) => {
        entered();
        return new Promise<never>((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
        );
      },
    });
    let release: () => void = () => undefined;
    const finishing = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finishes = 0;
    steps.finish = async () => {
      finishes++;
      if (finishes === 1) await finishing;
    };
    const runner = await openRunner(steps);
    let first = verifying();
    const run = await runner.submit({
      intentId: "app",
      source: { file: "intents/app.json", digest: "sha256:s" },
    });
    await first;
    expect(runner.abort(run.runId, "stopped by hand")).toBe(true);
    // The attempt is Failed (journalled) while its finish step still runs: the retry comes in now.
    while (runner.runs()[0]!.phase !== "Failed") await new Promise((r) => setTimeout(r, 5));
    first = verifying();
    const retried = runner.retry(run.runId);
    // Retried (journalled and queued) before the aborted attempt's finish step ends.
    while (runner.runs()[0]!.phase !== "Verifying") await new Promise((r) => setTimeout(r, 5));
    release();
    await first;
    expect(runner.abort(run.runId, "stopped by hand again")).toBe(true);
    const final = await retried;
    await runner.close();
    expect(final.phase).toBe("Failed");
    expect(final.error).toMatchObject({ code: "E_ABORTED", failedIn: "Verifying" });
    expect(final.error?.message).toContain("again");
  });

  it("GIVEN a succeeded run WHEN retried THEN a usage error and nothing changes", async () => {
    const { steps } = fakeSteps();
    const runner = await openRunner(steps);
    const run = await runner.submit({
      intentId: "app",
      source: { file: "intents/app.json", digest: "sha256:s" },
    });
    await runner.wait(run.runId);
    await expect(runner.retry(run.runId)).rejects.toMatchObject({ code: "E_USAGE_RETRY" });
    await runner.close();
  });
});

describe("scale", () => {
  it("GIVEN a verify step that wrote a scaled revision THEN it becomes the intent's next run, once", async () => {
    let verifies = 0;
    const { steps } = fakeSteps({
      verify: async () => {
        verifies++;
        if (verifies === 1) {
          return {
            verdict: { decision: "breach", action: "scale", reasons: ["cpuUtilization 93 % > 80 %"] },
            scaledSource: {
              file: ".intentops/scaled/app.1-scale1.json",
              digest: "sha256:scaled",
              from: 3,
              to: 5,
            },
          };
        }
        return { verdict: { decision: "pass", action: "none", reasons: [] } };
      },
    });
    const journalPath = join(dir, "journal.jsonl");
    const runner = await createRunner({ journalPath, steps, clock, sleep: noSleep, newId });
    await runner.submit({ intentId: "app", source: { file: "intents/app.json", digest: "sha256:s" } });
    await runner.idle();
    await runner.close();
    const runs = replayJournal(await readJournal(journalPath));
    expect(runs.map((r) => [r.source.file, r.phase])).toEqual([
      ["intents/app.json", "Scaled"],
      [".intentops/scaled/app.1-scale1.json", "Succeeded"],
    ]);
    // A restart does not submit the scaled revision again.
    const again = await createRunner({ journalPath, steps, clock, sleep: noSleep, newId });
    await again.resume();
    await again.idle();
    await again.close();
    expect(replayJournal(await readJournal(journalPath))).toHaveLength(2);
  });
});

describe("honest terminal states", () => {
  it.each([
    [{ decision: "breach", action: "alert", reasons: ["errorRate 3 % ≥ 1 %"] }, "SucceededWithAlerts", 4],
    [
      { decision: "breach", action: "scale", reasons: ["cpu 93 % > 80 %, no headroom"] },
      "SucceededWithAlerts",
      4,
    ],
    [{ decision: "inconclusive", action: "hold", reasons: ["no data"] }, "Held", 5],
    [{ decision: "inconclusive", action: "none", reasons: ["no data"] }, "Held", 5],
    [{ decision: "pass", action: "none", reasons: [] }, "Succeeded", 0],
  ] as const)("GIVEN verdict %j THEN %s, exit %i", async (verdict, phase, exit) => {
    const { steps } = fakeSteps({}, { ...verdict, reasons: [...verdict.reasons] });
    const run = await runOne(steps);
    expect(run.phase).toBe(phase);
    expect(exitCodeOf([run.phase])).toBe(exit);
  });

  it("GIVEN a rollback whose restored revision does not pass THEN RollbackFailed (exit 3), retried from RollingBack", async () => {
    let restoredPasses = false;
    const { steps, calls } = fakeSteps(
      {
        rollback: async () => ({
          revertCommit: "r1",
          restoredVerdict: restoredPasses
            ? { decision: "pass", reasons: [] }
            : { decision: "inconclusive", reasons: ["no data for the restored revision"] },
          outcome: restoredPasses ? "RolledBack" : "RollbackFailed",
        }),
      },
      { decision: "breach", action: "rollback", reasons: ["p95 250 ms ≥ 100 ms"] },
    );
    const journalPath = join(dir, "journal.jsonl");
    const runner = await createRunner({ journalPath, steps, clock, sleep: noSleep, newId });
    const run = await runner.submit({
      intentId: "app",
      source: { file: "intents/app.json", digest: "sha256:s" },
    });
    const failed = await runner.wait(run.runId);
    expect(failed.phase).toBe("RollbackFailed");
    expect(failed.error).toMatchObject({ code: "E_ROLLBACK_SLO", failedIn: "RollingBack" });
    expect(exitCodeOf([failed.phase])).toBe(3);
    restoredPasses = true;
    const retried = await runner.retry(run.runId);
    await runner.close();
    expect(retried.phase).toBe("RolledBack");
    expect(calls.filter((c) => c === "app:rollback")).toHaveLength(2);
    expect(replayJournal(await readJournal(journalPath))[0]?.phase).toBe("RolledBack");
  });

  it("GIVEN the most severe of several states THEN the exit code is that state's", () => {
    expect(exitCodeOf(["Succeeded", "Held", "SucceededWithAlerts"])).toBe(5);
    expect(exitCodeOf(["RolledBack", "Held"])).toBe(1);
    expect(exitCodeOf(["RolledBack", "CompensationFailed"])).toBe(3);
    expect(exitCodeOf([])).toBe(0);
  });
});

describe("compensation (saga)", () => {
  it("GIVEN a reconcile failure after this run's commit THEN Compensating → Failed, and retry delivers again", async () => {
    let broken = true;
    const { steps, calls } = fakeSteps({
      reconcile: async () => {
        if (broken) throw new IntentopsError("E_UNHEALTHY", "not healthy: edge2/app");
        return { reconciled: { edge1: { commit: "c1", healthy: true } } };
      },
    });
    const journalPath = join(dir, "journal.jsonl");
    const runner = await createRunner({ journalPath, steps, clock, sleep: noSleep, newId });
    const run = await runner.submit({
      intentId: "app",
      source: { file: "intents/app.json", digest: "sha256:s" },
    });
    const failed = await runner.wait(run.runId);
    expect(await phasesOf(run.runId)).toEqual([
      "Compiling",
      "Rendering",
      "Delivering",
      "Reconciling",
      "Compensating",
    ]);
    expect(failed.phase).toBe("Failed");
    expect(failed.error).toMatchObject({ code: "E_UNHEALTHY", failedIn: "Delivering" });
    expect(failed.data.compensation?.cause).toMatchObject({ code: "E_UNHEALTHY", failedIn: "Reconciling" });
    broken = false;
    const retried = await runner.retry(run.runId);
    await runner.close();
    expect(retried.phase).toBe("Succeeded");
    expect(calls.filter((c) => c === "app:deliver")).toHaveLength(2);
  });

  it("GIVEN compensation that cannot restore a site THEN CompensationFailed (never hidden), retried from Compensating", async () => {
    let restores = 0;
    const { steps } = fakeSteps({
      reconcile: async () => {
        throw new IntentopsError("E_UNHEALTHY", "not healthy: edge2/app");
      },
      compensate: async () => ({ outcome: ++restores === 1 ? "CompensationFailed" : "Failed" }),
    });
    const runner = await openRunner(steps);
    const run = await runner.submit({
      intentId: "app",
      source: { file: "intents/app.json", digest: "sha256:s" },
    });
    const failed = await runner.wait(run.runId);
    expect(failed.phase).toBe("CompensationFailed");
    expect(failed.error).toMatchObject({ code: "E_COMPENSATION", failedIn: "Compensating" });
    expect(exitCodeOf([failed.phase])).toBe(3);
    const retried = await runner.retry(run.runId);
    await runner.close();
    expect(retried.phase).toBe("Failed");
    expect(retried.error?.code).toBe("E_UNHEALTHY");
  });

  it("GIVEN a delivery that made no commit of its own THEN a reconcile failure is not compensated (nothing of this run to undo)", async () => {
    const { steps, calls } = fakeSteps({
      deliver: async () => ({ deliveryCommit: "c0", deliveryHead: "c0", deliveryCommitted: false }),
      reconcile: async () => {
        throw new IntentopsError("E_UNHEALTHY", "not healthy: edge1/app");
      },
    });
    const run = await runOne(steps);
    expect(run.phase).toBe("Failed");
    expect(run.error?.failedIn).toBe("Reconciling");
    expect(calls).not.toContain("app:compensate");
  });
});

describe("delete", () => {
  it("GIVEN a delete run THEN Pending → Deleting → Deleted, exit 0", async () => {
    const { steps, calls } = fakeSteps();
    const runner = await openRunner(steps);
    const run = await runner.submit({
      intentId: "app",
      source: { file: "intents/app.json", digest: "delete" },
      operation: "delete",
    });
    const final = await runner.wait(run.runId);
    await runner.close();
    expect(final.phase).toBe("Deleted");
    expect(calls).toEqual(["app:delete"]);
    expect(await phasesOf(run.runId)).toEqual(["Deleting", "Deleted"]);
    expect(exitCodeOf([final.phase])).toBe(0);
  });
});

describe("deliveries at once", () => {
  /**
   * 16 runs reach Delivering together; their deliveries share one branch that takes one push at a time
   * (100 ms each). The Delivering limit is 1 s: queued inside it, the last deliveries wait at least 1.5 s.
   */
  async function sixteenDeliveries(maxDelivering: number) {
    const branch = pLimit(1);
    let delivering = 0;
    let most = 0;
    const { steps } = fakeSteps({
      deliver: async () => {
        most = Math.max(most, ++delivering);
        try {
          await branch(() => new Promise((r) => setTimeout(r, 100)));
        } finally {
          delivering--;
        }
        return { deliveryCommit: "c1", deliveryHead: "c1", deliveryCommitted: true };
      },
    });
    const runner = await openRunner(steps, {
      maxRetries: 0,
      abortGraceMs: 10_000,
      timeouts: { Delivering: 1000 },
      maxDelivering,
    });
    const submitted = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        runner.submit({
          intentId: `app-${i}`,
          source: { file: `intents/app-${i}.json`, digest: "sha256:s" },
        }),
      ),
    );
    const finals = await Promise.all(submitted.map((r) => runner.wait(r.runId)));
    await runner.close();
    return { finals, most };
  }

  it("GIVEN more runs delivering than the branch pushes within the limit THEN they wait their turn outside it, and all succeed", async () => {
    const { finals, most } = await sixteenDeliveries(2);
    expect(finals.map((r) => r.phase)).toEqual(Array(16).fill("Succeeded"));
    expect(most).toBe(2);
  });

  it("GIVEN no gate (every run delivering at once) THEN the runs queued inside the limit time out — what the gate prevents", async () => {
    const { finals, most } = await sixteenDeliveries(16);
    expect(most).toBe(16);
    const timedOut = finals.filter((r) => r.error?.code === "E_PHASE_TIMEOUT");
    expect(timedOut.length).toBeGreaterThan(0);
    expect(timedOut.map((r) => r.phase)).toEqual(Array(timedOut.length).fill("Failed"));
  });
});
