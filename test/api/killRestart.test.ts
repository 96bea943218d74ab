/**
 * Durability: `intentops serve` (its own process) is SIGKILLed in the middle of a burst of POST
 * /api/intent, then started again on the same state and remote. Every intent answered 202 must be in Git
 * (`intents/<id>.json` on the remote's main), end in a terminal run, and be there once: one intake entry,
 * one run, one commit touching its file.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readJournal, replayJournal } from "../../pipeline/run/journal.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { gitCli } from "../support/gitHttpServer.js";
import { KEYS, officialExample, waitFor } from "./serveHarness.js";
import { prepareServeWork, type ServeProcess, type ServeWork, spawnServe } from "./serveProcess.js";

let w: ServeWork;
let serve: ServeProcess | undefined;
beforeAll(async () => {
  w = await prepareServeWork("kill");
}, 60_000);
afterAll(async () => {
  serve?.child.kill("SIGKILL");
  await w?.gitServer.close();
  if (w) await rm(w.work, { recursive: true, force: true });
});

it("loses nothing it answered when killed -9 mid-burst, and does nothing twice", async () => {
  serve = await spawnServe(w);
  const base = officialExample("Intent_create_example_01_request");
  const answered: string[] = [];
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (next < 600) {
      const id = `kill-${next++}`;
      try {
        const res = await fetch(`${serve!.url}/api/intent`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": KEYS.writer },
          body: JSON.stringify({ ...base, id }),
        });
        if (res.status === 202) answered.push(((await res.json()) as { intentId: string }).intentId);
        else await res.arrayBuffer();
      } catch {
        if (killed) return; // refused or reset by the dead process: never answered
      }
      if (!killed && answered.length >= 120) {
        killed = true;
        serve!.child.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(killed).toBe(true);
  expect((await serve.exited).signal).toBe("SIGKILL");
  expect(answered.length).toBeGreaterThanOrEqual(120);

  serve = await spawnServe(w);
  const state = join(w.work, ".intentops");
  await waitFor(
    "every answered intent's run to be terminal",
    async () => {
      const runs = replayJournal(await readJournal(join(state, "journal.jsonl")));
      const done = new Set(runs.filter((r) => TERMINAL.has(r.phase)).map((r) => r.intentId));
      return answered.every((id) => done.has(id)) ? runs : undefined;
    },
    120_000,
  );
  await waitFor(
    "Git to hold every answered intent",
    async () => {
      const files = new Set(
        (await gitCli(["ls-tree", "-r", "--name-only", "main", "intents/"], w.bare)).split("\n"),
      );
      return answered.every((id) => files.has(`intents/${id}.json`)) ? files : undefined;
    },
    180_000,
  ).catch((error: Error) => {
    const warnings = serve!
      .logs()
      .split("\n")
      .filter((l) => /"level":(40|50)/.test(l));
    throw new Error(`${error.message}\n${warnings.slice(-10).join("\n")}`);
  });
  const runs = replayJournal(await readJournal(join(state, "journal.jsonl")));
  const intake = (await readFile(join(state, "intake.jsonl"), "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; intentId?: string });
  const touched = (await gitCli(["log", "--format=", "--name-only", "main", "--", "intents/"], w.bare))
    .split("\n")
    .filter(Boolean);
  for (const id of answered) {
    expect(
      runs.filter((r) => r.intentId === id),
      `${id} runs`,
    ).toHaveLength(1);
    expect(
      intake.filter((e) => e.type === "change" && e.intentId === id),
      `${id} intake entries`,
    ).toHaveLength(1);
    expect(
      touched.filter((f) => f === `intents/${id}.json`),
      `${id} commits`,
    ).toHaveLength(1);
  }
  serve.child.kill("SIGTERM");
  await serve.exited;
  serve = undefined;
}, 300_000);
