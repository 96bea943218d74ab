/**
 * claimPodRanges: pod CIDRs of their own for one sandbox's sites, so that two sandboxes on one machine (the
 * demo and a test, or two tests in the two heavy slots) never serve or scrape each other's pods.
 *
 * Pod addresses are mapped into loopback one to one (`podAddress.ts`: 10.A.B.C → 127.A.B.C), so the
 * addresses are shared by every process on the machine. A sandbox claims the /16 10.A.0.0 by listening on
 * 127.A.255.254 (`CLAIM_PORT`) — the last address of the range, never handed to a pod — for as long as it
 * runs; another sandbox finds that address taken and moves on to the next A. The claim dies with its
 * process, so a killed sandbox leaves nothing to clean up.
 */
import { createServer, type Server } from "node:net";
import { IntentopsError } from "../../compiler/errors.js";

/** The port of the claim listener (outside Linux's default ephemeral range, 32768–60999). */
export const CLAIM_PORT = 61_207;
/** Second octets tried, in order: 10.244.0.0/16 (the control plane's default range) onwards. */
const FIRST = 244;
const LAST = 254;
const ALSO = Array.from({ length: FIRST - 16 }, (_, i) => 16 + i);

export interface PodRanges {
  /** One pod CIDR per site, as `--pod-cidr` takes it (first address and prefix): `10.A.0.1/16`. */
  cidrs: string[];
  /** Gives the ranges back (idempotent). */
  release(): Promise<void>;
}

/**
 * Claims `count` free /16 pod ranges.
 *
 * @throws IntentopsError `E_DEMO` when fewer than `count` ranges are free
 * @example const { cidrs, release } = await claimPodRanges(2); // → ["10.244.0.1/16", "10.245.0.1/16"]
 */
export async function claimPodRanges(count: number): Promise<PodRanges> {
  const held: Array<{ octet: number; server: Server }> = [];
  const release = async () => {
    const servers = held.splice(0).map((h) => h.server);
    await Promise.all(servers.map((s) => new Promise<void>((done) => s.close(() => done()))));
  };
  const candidates = [...Array.from({ length: LAST - FIRST + 1 }, (_, i) => FIRST + i), ...ALSO];
  for (const octet of candidates) {
    if (held.length === count) break;
    const server = await listenOn(`127.${octet}.255.254`);
    if (server) held.push({ octet, server });
  }
  if (held.length < count) {
    const got = held.length;
    await release();
    throw new IntentopsError(
      "E_DEMO",
      `only ${got} of ${count} pod ranges are free (other sandboxes hold 127.A.255.254:${CLAIM_PORT})`,
    );
  }
  return { cidrs: held.map((h) => `10.${h.octet}.0.1/16`), release };
}

function listenOn(host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", () => resolve(undefined));
    server.listen({ host, port: CLAIM_PORT, exclusive: true }, () => resolve(server));
  });
}
