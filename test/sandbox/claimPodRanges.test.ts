/**
 * claimPodRanges: two sandboxes on one machine get disjoint pod ranges, held by a real loopback listener
 * until released; asking for more than are free fails and keeps nothing.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { CLAIM_PORT, claimPodRanges } from "../../pipeline/sandbox/claimPodRanges.js";

const octet = (cidr: string) => Number(/^10\.(\d+)\.0\.1\/16$/.exec(cidr)![1]);

/** Whether something listens at the claim address of `cidr`. */
const held = (cidr: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: `127.${octet(cidr)}.255.254`, port: CLAIM_PORT });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("claimPodRanges", () => {
  it("GIVEN two sandboxes THEN disjoint /16 ranges, each held until released", async () => {
    const a = await claimPodRanges(2);
    const b = await claimPodRanges(2);
    try {
      for (const cidr of [...a.cidrs, ...b.cidrs]) expect(cidr).toMatch(/^10\.\d+\.0\.1\/16$/);
      expect(new Set([...a.cidrs, ...b.cidrs].map(octet)).size).toBe(4);
      for (const cidr of [...a.cidrs, ...b.cidrs]) expect(await held(cidr)).toBe(true);
      await a.release();
      for (const cidr of a.cidrs) expect(await held(cidr)).toBe(false);
      const c = await claimPodRanges(2);
      expect(c.cidrs.filter((x) => b.cidrs.includes(x))).toEqual([]);
      await c.release();
    } finally {
      await a.release();
      await b.release();
    }
  });

  it("GIVEN more ranges asked than exist THEN E_DEMO, and none of them kept", async () => {
    await expect(claimPodRanges(1000)).rejects.toMatchObject({ code: "E_DEMO" });
    const one = await claimPodRanges(1);
    expect(one.cidrs).toHaveLength(1);
    await one.release();
  });
});
