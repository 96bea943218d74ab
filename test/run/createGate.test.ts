/**
 * createGate (the runner's places for runs delivering at once): at most `places` holders, the others let
 * in in the order they came; a waiter whose signal aborts leaves the line with the signal's reason.
 */
import { expect, it } from "vitest";
import { createGate } from "../../pipeline/support/createGate.js";

it("lets at most `places` in, and the waiters in the order they came as holders leave", async () => {
  const gate = createGate(2);
  const order: string[] = [];
  const leaves = new Map<string, () => void>();
  const enter = (name: string) =>
    gate.enter().then((leave) => {
      order.push(name);
      leaves.set(name, leave);
    });
  const entered = ["a", "b", "c", "d"].map(enter);
  await Promise.all(entered.slice(0, 2));
  expect(order).toEqual(["a", "b"]);
  expect([gate.holders, gate.waiting]).toEqual([2, 2]);
  leaves.get("b")!();
  leaves.get("b")!(); // a second call does nothing
  await entered[2];
  expect(order).toEqual(["a", "b", "c"]);
  expect([gate.holders, gate.waiting]).toEqual([2, 1]);
  leaves.get("a")!();
  await entered[3];
  expect(order).toEqual(["a", "b", "c", "d"]);
});

it("a waiter whose signal aborts leaves the line, and the next one takes the place", async () => {
  const gate = createGate(1);
  const first = await gate.enter();
  const controller = new AbortController();
  const given = gate.enter(controller.signal);
  const next = gate.enter();
  controller.abort(new Error("superseded"));
  await expect(given).rejects.toThrow("superseded");
  expect(gate.waiting).toBe(1);
  first();
  const leave = await next;
  expect(gate.holders).toBe(1);
  leave();
});
