import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dns1035Label, dnsLabel, dnsLabelWithSuffix, labelValue } from "../../functions/generators/index.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe("names", () => {
  it("always gives a valid DNS label of at most the limit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 80 }), { maxLength: 4 }),
        fc.integer({ min: 12, max: 63 }),
        (parts, max) => {
          const name = dnsLabel(parts, max);
          expect(name).toMatch(DNS_LABEL);
          expect(name.length).toBeLessThanOrEqual(max);
          expect(dnsLabel(parts, max)).toBe(name);
        },
      ),
    );
  });

  it("leaves valid short labels unchanged and truncates long ones with a hash", () => {
    expect(dnsLabel(["shop", "web"])).toBe("shop-web");
    expect(dnsLabel(["Shop_Web.EU"])).toBe("shop-web-eu");
    const long = dnsLabel(["a".repeat(70)]);
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^a{54}-[0-9a-f]{8}$/);
    expect(dnsLabel(["a".repeat(70)])).not.toBe(dnsLabel([`${"a".repeat(69)}b`]));
  });

  it("keeps a suffix intact", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), fc.nat(999), (stack, ordinal) => {
        const name = dnsLabelWithSuffix([stack, "web"], String(ordinal));
        expect(name).toMatch(DNS_LABEL);
        expect(name.endsWith(`-${ordinal}`)).toBe(true);
      }),
    );
  });

  it("starts Service names with a letter and keeps label values valid", () => {
    expect(dns1035Label(["1shop"])).toBe("s-1shop");
    expect(dns1035Label(["shop"])).toBe("shop");
    expect(labelValue("1.2.3")).toBe("1.2.3");
    expect(labelValue("v1.")).toBe("v1");
    expect(labelValue("x".repeat(80))).toHaveLength(63);
  });
});
