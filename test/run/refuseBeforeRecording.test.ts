/**
 * `intentops run` records nothing for an input a later phase refuses: an intent that compiles but does not
 * render (a generator's refusal) or renders an object another intent owns in the delivery repository
 * (E_OWNERSHIP_CONFLICT) is refused with exit 1 before anything is journalled — the work directory, the
 * delivery repository (commits, evidence) and the state directory are byte for byte as they were. Through
 * the runner itself (what `serve` submits), the same conflict fails the run in Compiling with no evidence.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import isoGit from "isomorphic-git";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { openPipeline } from "../../pipeline/run/openPipeline.js";
import { INTENTS_DIR } from "../compiler/helpers.js";

type Json = Record<string, unknown>;
let dir: string;

async function cli(...argv: string[]) {
  const io = memoryIo(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Every file under the work directory: path → sha256 of its bytes. */
function tree(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

const read = (stem: string): Json => JSON.parse(readFileSync(join(dir, "intents", `${stem}.json`), "utf8"));
const params = (intent: Json, i = 0) =>
  (((intent.expression as Json).expressionValue as Json)["icm:hasExpectation"] as Json[])[i]![
    "icm:params"
  ] as Json;

/** `stem` under another id, changed by `change`, written to `new/<id>.json` (outside intents/). */
function variant(stem: string, id: string, change: (intent: Json) => void): string {
  const intent = read(stem);
  intent.id = id;
  change(intent);
  const file = `new/${id}.json`;
  fs.mkdirSync(join(dir, "new"), { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify(intent, null, 2));
  return file;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "intentops-run-refuse-"));
  cpSync(INTENTS_DIR, join(dir, "intents"), { recursive: true });
  expect((await cli("render")).code).toBe(0);
  for (const id of ["edge-analytics", "analytics-dns"]) {
    const { code, err } = await cli("deliver", id, "--repo", "delivery.git");
    expect(code, err).toBe(0);
  }
}, 60_000);
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runArgs(...files: string[]) {
  return ["run", ...files, "--repo", "delivery.git", "--kubeconfig", "none.kubeconfig"];
}

describe("intentops run refuses before it records anything", () => {
  it("GIVEN an intent claiming edge-analytics' Namespace and Deployment THEN exit 1 E_OWNERSHIP_CONFLICT naming both, nothing changed", async () => {
    const file = variant("edge-analytics", "analytics-copy", (i) => {
      params(i)["io:namespace"] = "edge-analytics";
    });
    const before = tree();
    const { code, err } = await cli(...runArgs(file));
    expect(code, err).toBe(1);
    const lines = err.split("\n").filter((l) => l.endsWith("[E_OWNERSHIP_CONFLICT]"));
    expect(lines).toContain(
      `${file}#/expression/expressionValue/icm:hasExpectation/0/icm:params/io:namespace: Namespace/edge-analytics on site edge1 is already rendered by edge1/edge-analytics (intents/edge-analytics.json); edge1/analytics-copy renders it too: an object belongs to one intent only (give it another name, or change it in the intent that owns it) [E_OWNERSHIP_CONFLICT]`,
    );
    expect(lines.some((l) => l.includes("Deployment/edge-analytics/analytics on site edge2"))).toBe(true);
    expect(tree()).toEqual(before);
    expect(existsSync(join(dir, ".intentops"))).toBe(false);
  });

  it("GIVEN an intent publishing analytics-dns' record under another name THEN exit 1, nothing changed", async () => {
    const file = variant("analytics-dns", "dns-copy", (i) => {
      params(i)["io:appName"] = "copy";
    });
    const before = tree();
    const { code, err } = await cli(...runArgs(file));
    expect(code, err).toBe(1);
    expect(err).toMatch(
      /DNSRecord\/analytics\.edge\.example\.com\.\/A on site edge1 is already rendered by edge1\/analytics-dns/,
    );
    expect(tree()).toEqual(before);
  });

  it("GIVEN two new intents claiming the same object THEN the later file is refused, nothing changed", async () => {
    const a = variant("edge-analytics", "first-app", (i) => {
      params(i)["io:namespace"] = "shared";
    });
    const b = variant("edge-analytics", "second-app", (i) => {
      params(i)["io:namespace"] = "shared";
    });
    const before = tree();
    const { code, err } = await cli(...runArgs(a, b));
    expect(code, err).toBe(1);
    const lines = err.split("\n").filter((l) => l.endsWith("[E_OWNERSHIP_CONFLICT]"));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatch(/^new\/second-app\.json#\/.* by edge[12]\/first-app \(new\/first-app\.json\)/);
    expect(tree()).toEqual(before);
  });

  it("GIVEN an intent that compiles but that its generator refuses THEN exit 1 with the generator's code, nothing changed", async () => {
    // 5QI 9 has a 300 ms packet delay budget: it compiles, but no slice meets DlLatency < 20 ms with it.
    const file = variant("embb-slice-edge1", "slice-5qi", (i) => {
      params(i)["io:fiveQI"] = 9;
    });
    const before = tree();
    expect((await cli("compile", file)).code).toBe(0);
    const { code, err } = await cli(...runArgs(file));
    expect(code, err).toBe(1);
    // At the parameter the generator names: the explicit 5QI.
    expect(err).toMatch(
      /^new\/slice-5qi\.json#\/expression\/expressionValue\/icm:hasExpectation\/0\/icm:params\/io:fiveQI: .* \[E_GEN_QOS_INCOMPATIBLE\]$/m,
    );
    expect(tree()).toEqual(before);
  });

  it("GIVEN an intent file with invalid UTF-8 THEN exit 1 E_ENCODING (not replaced and run), nothing changed", async () => {
    const text = readFileSync(join(dir, "intents/analytics-dns.json"), "utf8");
    const at = text.indexOf("analytics.edge.example.com");
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xff]),
      Buffer.from(text.slice(at)),
    ]);
    fs.mkdirSync(join(dir, "new"), { recursive: true });
    writeFileSync(join(dir, "new/analytics-dns.json"), bytes);
    const before = tree();
    const { code, err } = await cli(...runArgs("new/analytics-dns.json"));
    expect(code, err).toBe(1);
    expect(err).toMatch(/^new\/analytics-dns\.json#\/\S*: .* \[E_ENCODING\]$/m);
    expect(tree()).toEqual(before);
    expect(existsSync(join(dir, ".intentops"))).toBe(false);
  });

  it("GIVEN the conflict submitted to the runner directly (as serve does) THEN Failed in Compiling with E_OWNERSHIP_CONFLICT and no evidence", async () => {
    const file = variant("edge-analytics", "analytics-copy", (i) => {
      params(i)["io:namespace"] = "edge-analytics";
    });
    const refsBefore = await isoGit.listRefs({ fs, gitdir: join(dir, "delivery.git"), filepath: "refs" });
    const headBefore = await isoGit.resolveRef({
      fs,
      gitdir: join(dir, "delivery.git"),
      ref: "refs/heads/main",
    });
    const pipeline = await openPipeline({
      cwd: dir,
      repo: { dir: join(dir, "delivery.git") },
      git: {
        fs,
        clock: () => new Date("2026-11-30T00:00:00Z"),
        author: { name: "t", email: "t@example.test" },
      },
    });
    try {
      const text = readFileSync(join(dir, file), "utf8");
      const { digestBytes } = await import("../../compiler/digest.js");
      const run = await pipeline.runner.submit({
        intentId: "analytics-copy",
        source: { file, digest: digestBytes(text) },
      });
      const final = await pipeline.runner.wait(run.runId);
      expect(final.phase).toBe("Failed");
      expect(final.error?.failedIn).toBe("Compiling");
      expect(final.error?.code).toBe("E_OWNERSHIP_CONFLICT");
      expect(final.error?.message).toContain("edge1/edge-analytics");
      expect(final.error?.message).toContain("edge1/analytics-copy");
      expect(final.data.evidence ?? []).toEqual([]);
    } finally {
      await pipeline.runner.close();
    }
    expect(await isoGit.listRefs({ fs, gitdir: join(dir, "delivery.git"), filepath: "refs" })).toEqual(
      refsBefore,
    );
    expect(await isoGit.resolveRef({ fs, gitdir: join(dir, "delivery.git"), ref: "refs/heads/main" })).toBe(
      headBefore,
    );
    expect(statSync(join(dir, ".intentops", "journal.jsonl")).size).toBeGreaterThan(0);
  });
});
