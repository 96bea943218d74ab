/**
 * coalesce (the evidence push of runs ending together): callers during a run share one follow-up run that
 * starts after it, so each caller's earlier work is covered; no caller resolves before a run that started
 * after its request has finished; a failure reaches exactly the callers of the failed run.
 */
import { expect, it } from "vitest";
import { coalesce } from "../../pipeline/support/coalesce.js";

/** A piece of work whose runs finish when told to, recording when each started. */
function controlled() {
  const runs: Array<{ finish: (error?: Error) => void; startedAt: number }> = [];
  let clock = 0;
  const work = () =>
    new Promise<void>((resolve, reject) => {
      runs.push({ finish: (error) => (error ? reject(error) : resolve()), startedAt: clock });
    });
  return { runs, work, tick: () => ++clock };
}
const settle = () => new Promise((r) => setImmediate(r));

it("callers during a run share one follow-up run that starts after it", async () => {
  const c = controlled();
  const pushes = coalesce(c.work);
  const first = pushes.request();
  expect(c.runs).toHaveLength(1);
  c.tick(); // work done after the first run started: only a later run covers it
  const order: string[] = [];
  const later = [1, 2, 3].map((i) => pushes.request().then(() => order.push(`later-${i}`)));
  void first.then(() => order.push("first"));
  await settle();
  expect(c.runs).toHaveLength(1); // nobody waits by starting a second run at once
  c.runs[0]!.finish();
  await settle();
  expect(order).toEqual(["first"]);
  expect(c.runs).toHaveLength(2);
  expect(c.runs[1]!.startedAt).toBe(1);
  c.runs[1]!.finish();
  await Promise.all(later);
  expect(order).toEqual(["first", "later-1", "later-2", "later-3"]);
  // idle again: the next caller starts a fresh run
  void pushes.request();
  expect(c.runs).toHaveLength(3);
  c.runs[2]!.finish();
});

it("a failed run fails the callers it was shared by, and the next request runs again", async () => {
  const c = controlled();
  const pushes = coalesce(c.work);
  const first = pushes.request();
  const second = pushes.request();
  const third = pushes.request();
  c.runs[0]!.finish(new Error("remote down"));
  await expect(first).rejects.toThrow("remote down");
  await settle();
  expect(c.runs).toHaveLength(2);
  c.runs[1]!.finish(new Error("still down"));
  await expect(second).rejects.toThrow("still down");
  await expect(third).rejects.toThrow("still down");
  const fourth = pushes.request();
  expect(c.runs).toHaveLength(3);
  c.runs[2]!.finish();
  await expect(fourth).resolves.toBeUndefined();
});
