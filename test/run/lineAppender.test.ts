/**
 * openLineAppender (the intake log's, the run journal's and the request records' writer): appends made at
 * once land whole and in order, each resolving only after its line is written;
 * a failed write fails its lines and every later one (a real ENOSPC from /dev/full).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openLineAppender } from "../../pipeline/fs/openLineAppender.js";
import { openJournal, readJournal } from "../../pipeline/run/journal.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "intentops-appender-"));
  dirs.push(d);
  return d;
};

it.each([
  { sync: true, gather: false },
  { sync: false, gather: true },
])(
  "appends made at once land whole and in order (%o), each resolved after its line is in the file",
  async (options) => {
    const path = join(await tempDir(), "nested", "log.jsonl");
    const writes: Array<{ seconds: number; lines: number }> = [];
    const log = await openLineAppender(path, {
      ...options,
      onWrite: (seconds, lines) => writes.push({ seconds, lines }),
    });
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        log.append(`${JSON.stringify({ i, pad: "x".repeat(i % 37) })}\n`).then(async () => {
          // when line i's append resolves, the file holds it
          const text = await readFile(path, "utf8");
          if (text.includes(`{"i":${i},`)) seen.push(i);
        }),
      ),
    );
    await log.close();
    const lines = (await readFile(path, "utf8")).split("\n").filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(
      Array.from({ length: 500 }, (_, i) => i),
    );
    expect(seen).toHaveLength(500);
    // Group commit, told of each write: fewer writes than lines, every line in one of them.
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.length).toBeLessThan(500);
    expect(writes.reduce((sum, w) => sum + w.lines, 0)).toBe(500);
    for (const w of writes) expect(w.seconds).toBeGreaterThanOrEqual(0);
  },
);

it("after a failed write nothing more is written or reported durable", async () => {
  const log = await openLineAppender("/dev/full", { sync: false });
  const first = log.append("a\n");
  const second = log.append("b\n");
  await expect(first).rejects.toMatchObject({ code: "ENOSPC" });
  await expect(second).rejects.toMatchObject({ code: "ENOSPC" });
  await expect(log.append("c\n")).rejects.toMatchObject({ code: "ENOSPC" });
  await log.close();
});

it("the run journal, appended to at once, replays every event in order", async () => {
  const path = join(await tempDir(), "journal.jsonl");
  const journal = await openJournal(path);
  const at = "2026-01-01T00:00:00.000Z";
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      journal.append({
        type: "created",
        at,
        run: {
          runId: `run-${i}`,
          intentId: `intent-${i}`,
          source: { file: `intents/intent-${i}.json`, digest: `sha256:${i}` },
          phase: "Pending",
          attempt: 0,
          createdAt: at,
          updatedAt: at,
          data: {},
        },
      }),
    ),
  );
  await journal.close();
  expect((await readJournal(path)).map((e) => (e.type === "created" ? e.run.runId : e.type))).toEqual(
    Array.from({ length: 50 }, (_, i) => `run-${i}`),
  );
});
