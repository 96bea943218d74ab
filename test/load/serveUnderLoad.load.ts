/**
 * `intentops serve` (its own process, the built CLI) under load on loopback: 100 intent POSTs/s for 60 s
 * (INTENTOPS_LOAD_SECONDS to change), then a second burst at the same rate during which it is SIGKILLed
 * and started again on the same state and remote. Asserted: every request of the first burst is answered
 * 202; every intent answered 202 in either burst ends up in Git (`intents/<id>.json` on the remote's
 * main) with its run terminal, and none twice (one intake entry, one run, one commit touching its file).
 * No timing is asserted: the accept latency is printed by test/bench/serveLoad.bench.ts.
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { prepareServeWork, type ServeProcess, type ServeWork, spawnServe } from "../api/serveProcess.js";
import { postIntentsAtRate, settled } from "./postAtRate.js";

const SECONDS = Number(process.env.INTENTOPS_LOAD_SECONDS ?? 60);
const RATE = 100;
/** How long into the second burst the service is killed (about 300 answers at 100/s). */
const KILL_AFTER_MS = 3000;

let w: ServeWork;
let serve: ServeProcess | undefined;
beforeAll(async () => {
  w = await prepareServeWork("load-test");
}, 60_000);
afterAll(async () => {
  serve?.child.kill("SIGKILL");
  await w?.gitServer.close();
  if (w) await rm(w.work, { recursive: true, force: true });
});

it(`answers ${RATE} POSTs/s for ${SECONDS} s and loses none; killed -9 mid-burst, loses none and does none twice`, async () => {
  serve = await spawnServe(w, ["--rate-limit", "1000000"]);
  const first = await postIntentsAtRate({
    url: serve.url,
    rate: RATE,
    seconds: SECONDS,
    prefix: "load",
    dir: w.work,
  });
  expect(first.result.errors, "errors (connection, timeout)").toEqual([]);
  expect(first.result.codes, "answers by status").toEqual({ "202": RATE * SECONDS });
  expect(first.answered.length).toBe(RATE * SECONDS);

  // The second burst, SIGKILLed after KILL_AFTER_MS of it: what was answered must survive.
  const stop = new AbortController();
  const burst = postIntentsAtRate({
    url: serve.url,
    rate: RATE,
    seconds: 30,
    prefix: "burst",
    dir: w.work,
    signal: stop.signal,
  });
  await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
  serve.child.kill("SIGKILL");
  const killed = await serve.exited;
  stop.abort();
  const second = await burst;
  expect(killed.signal).toBe("SIGKILL");
  // answers before the kill, and requests the dead service never answered
  expect(second.answered.length).toBeGreaterThan(0);
  expect(second.result.sent).toBeGreaterThan(second.answered.length);
  serve = await spawnServe(w, ["--rate-limit", "1000000"]);

  const answered = [...first.answered, ...second.answered];
  const d = await settled(w, answered);
  expect(d.inGit, "answered intents in Git").toBe(answered.length);
  expect(d.terminal, "answered intents with a terminal run").toBe(answered.length);
  expect(d.twice, "answered intents recorded, run or committed twice").toEqual([]);
  const { latency } = first.result;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `load test: ${first.answered.length} answered in ${SECONDS} s (accept latency p50 ${ms(latency.p50)}, ` +
      `p99 ${ms(latency.p99)}, max ${ms(latency.max)}), ` +
      `then ${second.answered.length} before the kill; ` +
      `after the restart all ${answered.length} in Git, terminal, none twice`,
  );
  serve.child.kill("SIGTERM");
  await serve.exited;
  serve = undefined;
});
