/** Just enough IPv4 CIDR arithmetic to check a stack's address plan and pick gateways. */

export interface Cidr4 {
  /** Network address as an unsigned 32-bit number. */
  network: number;
  prefix: number;
  text: string;
}

/** Parses `a.b.c.d/n`; `undefined` when malformed or when host bits are set. */
export function parseCidr4(text: string): Cidr4 | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (match === null) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (address % 2 ** (32 - prefix) !== 0) return undefined;
  return { network: address, prefix, text };
}

function size(c: Cidr4): number {
  return 2 ** (32 - c.prefix);
}

/** Whether `inner` lies entirely within `outer`. */
export function cidrContains(outer: Cidr4, inner: Cidr4): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.network >= outer.network &&
    inner.network + size(inner) <= outer.network + size(outer)
  );
}

/** Whether two ranges share an address. */
export function cidrOverlaps(a: Cidr4, b: Cidr4): boolean {
  return a.network < b.network + size(b) && b.network < a.network + size(a);
}

/** The dotted form of an address. */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** The first usable address (network + 1), the conventional gateway; `undefined` for /31 and /32. */
export function firstHost(c: Cidr4): string | undefined {
  return c.prefix >= 31 ? undefined : formatIpv4(c.network + 1);
}
