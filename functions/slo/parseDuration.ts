/**
 * Durations as people write them on a command line or in config (`500ms`, `30s`, `2m`, `1h`, or a bare
 * number of seconds) → seconds.
 */
import { SloError } from "./SloError.js";

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * @throws SloError `E_SLO_INVALID_DURATION` for anything else, including zero-length or negative durations
 * @example parseDuration("2m") === 120; parseDuration("1.5s") === 1.5; parseDuration("45") === 45
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const amount = match ? Number(match[1]) : Number.NaN;
  const seconds = amount * (UNIT_SECONDS[match?.[2] ?? "s"] ?? Number.NaN);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new SloError(
      "E_SLO_INVALID_DURATION",
      `${JSON.stringify(text)} is not a duration (e.g. 500ms, 30s, 2m, 1h)`,
    );
  }
  return Number(seconds.toPrecision(12));
}
