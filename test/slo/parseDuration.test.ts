import { describe, expect, it } from "vitest";
import { parseDuration } from "../../functions/slo/parseDuration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 0.5],
    ["30s", 30],
    ["1.5s", 1.5],
    ["2m", 120],
    ["1h", 3600],
    ["45", 45],
  ])("%s → %d s", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(["", "0s", "-1s", "1d", "s", "1e3s", "NaN"])("refuses %j with E_SLO_INVALID_DURATION", (text) => {
    expect(() => parseDuration(text)).toThrowError(
      expect.objectContaining({ code: "E_SLO_INVALID_DURATION" }),
    );
  });
});
