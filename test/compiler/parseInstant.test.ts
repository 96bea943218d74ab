import { describe, expect, it } from "vitest";
import { parseInstant } from "../../compiler/parseInstant.js";

describe("parseInstant (RFC 3339, independent of the host's time zone)", () => {
  it("reads UTC and offsets to the same instant", () => {
    expect(parseInstant("2025-03-01T11:00:00Z")).toBe(Date.UTC(2025, 2, 1, 11));
    expect(parseInstant("2025-03-01T12:00:00+01:00")).toBe(Date.UTC(2025, 2, 1, 11));
    expect(parseInstant("2025-03-01T06:30:00-04:30")).toBe(Date.UTC(2025, 2, 1, 11));
    expect(parseInstant("2025-03-01t11:00:00.25z")).toBe(Date.UTC(2025, 2, 1, 11, 0, 0, 250));
  });

  it("orders instants across offsets and midnight", () => {
    // 01:00 at +02:00 is 23:00 UTC the day before: earlier than 23:30 UTC.
    expect(parseInstant("2025-01-02T01:00:00+02:00")!).toBeLessThan(parseInstant("2025-01-01T23:30:00Z")!);
  });

  it("refuses what is not a date-time with an offset (no local-time guess)", () => {
    for (const text of [
      "2025-03-01T11:00:00",
      "2025-03-01",
      "2025-13-01T00:00:00Z",
      "2025-03-01T24:00:00Z",
      "soon",
    ]) {
      expect(parseInstant(text), text).toBeNull();
    }
  });
});
