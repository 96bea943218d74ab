/** The README's table of run states and exit codes is the one the code uses. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TERMINAL_PHASES, TERMINAL_STATES } from "../../pipeline/run/runTypes.js";

describe("run states in the README", () => {
  it("GIVEN the README's state table THEN it lists every terminal state with the exit code the CLI gives", async () => {
    const readme = await readFile(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `([A-Za-z]+)`\s+\| (\d) +\|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows.map(([state]) => state).sort()).toEqual([...TERMINAL_PHASES].sort());
    for (const [state, exit] of rows) {
      expect(exit, String(state)).toBe(TERMINAL_STATES[state as keyof typeof TERMINAL_STATES].exit);
    }
  });
});
