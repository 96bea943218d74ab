/**
 * Benchmark: server-side apply of 1,000 objects (100 Namespaces + 900 ConfigMaps) with `reconcileSite`
 * (bounded concurrency, inventory, prune check; no health wait) versus `kubectl apply --server-side` on
 * the same objects (in other namespaces) against one cluster of test/support/controlPlane.ts.
 *
 * Three rows, each the same work on both sides:
 * 1. first apply: 1,000 objects created;
 * 2. re-apply where every object changed (a new label and data value): both sides send the 1,000 writes —
 *    our digest check cannot skip a changed object, so no side skips anything;
 * 3. re-apply of unchanged objects: our digest skip (a LIST and no writes) next to kubectl's no-op re-apply
 *    (1,000 apply requests the server finds nothing to do for) — the skip is what this row measures.
 * Each phase is checked before its time counts: our change set must say created / configured / unchanged
 * for all 1,000, kubectl must report 1,000 objects applied, and after row 2 the cluster must hold the new
 * values for every object of both sides.
 *
 * Run:  npx vitest bench --run test/bench/apply.bench.ts
 * kubectl is the one the control-plane build puts in its cache directory (same Kubernetes version as
 * the cluster); its version is printed. Each side runs once; a table with ratios is printed at the end.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { afterAll, beforeAll, bench, describe } from "vitest";
import type { KrmObject } from "../../functions/runtime/types.js";
import { reconcileSite, summarizeChangeSet } from "../../pipeline/reconcile/index.js";
import { type Clusters, ensureControlPlaneBinary, startClusters } from "../support/controlPlane.js";

const NAMESPACES = 100;
const CONFIGMAPS_PER_NAMESPACE = 9;
const TOTAL = NAMESPACES * (1 + CONFIGMAPS_PER_NAMESPACE);
const run = promisify(execFile);

/** The objects of one side; `revision` changes a label and a data value of every one of them. */
function objects(prefix: string, revision: number): KrmObject[] {
  const out: KrmObject[] = [];
  const labels = { "bench.intentops.io/revision": String(revision) };
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `${prefix}-${n}`;
    out.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels } });
    for (let c = 0; c < CONFIGMAPS_PER_NAMESPACE; c++) {
      out.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: `cm-${c}`,
          namespace: ns,
          labels: { "app.kubernetes.io/name": `cm-${c}`, ...labels },
        },
        data: { index: String(c), namespace: ns, revision: String(revision), payload: "x".repeat(200) },
      });
    }
  }
  return out;
}

const PHASES = [
  { key: "first", revision: 1, label: "first apply (1,000 created)", expect: "created" },
  { key: "changed", revision: 2, label: "re-apply, every object changed", expect: "configured" },
  { key: "same", revision: 2, label: "re-apply, nothing changed", expect: "unchanged" },
] as const;

let clusters: Clusters;
let kubectl: string;
let kubectlVersion = "";
let dir: string;
const times: Record<string, number> = {};
const notes: string[] = [];
const loadBefore = loadavg()
  .map((n) => n.toFixed(2))
  .join(" / ");

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`benchmark precondition failed: ${message}`);
}

const kubectlArgs = () => ["--kubeconfig", clusters.kubeconfigPath, "--context", "bench"];

/** Every object of a side on the cluster carries `revision` (label on all, data value on ConfigMaps). */
async function assertRevision(prefix: string, revision: number): Promise<void> {
  const { stdout } = await run(
    kubectl,
    [
      ...kubectlArgs(),
      "get",
      "namespaces,configmaps",
      "-A",
      "-l",
      "bench.intentops.io/revision",
      "-o",
      "json",
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const items = (JSON.parse(stdout) as { items: KrmObject[] }).items.filter((o) =>
    (o.metadata.namespace ?? o.metadata.name ?? "").startsWith(`${prefix}-`),
  );
  const current = items.filter(
    (o) =>
      o.metadata.labels?.["bench.intentops.io/revision"] === String(revision) &&
      (o.kind !== "ConfigMap" ||
        (o as { data?: Record<string, string> }).data?.revision === String(revision)),
  );
  check(current.length === TOTAL, `${prefix}: ${current.length} of ${TOTAL} objects at revision ${revision}`);
}

beforeAll(async () => {
  kubectl = (await ensureControlPlaneBinary()).kubectl;
  kubectlVersion = (await run(kubectl, ["version", "--client"])).stdout.split("\n")[0] ?? "";
  clusters = await startClusters(1, { names: ["bench"] });
  dir = await mkdtemp(join(tmpdir(), "intentops-apply-bench-"));
}, 600_000);

afterAll(async () => {
  const ms = (n?: number) => (n === undefined ? "-" : `${n.toFixed(0)} ms`);
  const row = (a: string, b: string, c: string, d: string) =>
    `| ${a.padEnd(62)} | ${b.padStart(10)} | ${c.padStart(10)} | ${d.padStart(16)} |`;
  const lines = [
    `${TOTAL} objects (${NAMESPACES} Namespaces + ${NAMESPACES * CONFIGMAPS_PER_NAMESPACE} ConfigMaps) · ${kubectlVersion}`,
    `load average (1/5/15 min) before: ${loadBefore}, after: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" / ")}`,
    row("", "intentops", "kubectl", "kubectl/intentops"),
    row("-".repeat(62), "-".repeat(10), "-".repeat(10), "-".repeat(16)),
  ];
  for (const p of PHASES) {
    const [io, kc] = [times[`io-${p.key}`], times[`kc-${p.key}`]];
    const label =
      p.key === "same"
        ? `${p.label}: our digest skip vs kubectl's no-op apply`
        : `${p.label}: both send the writes`;
    lines.push(row(label, ms(io), ms(kc), io && kc ? `${(kc / io).toFixed(2)}x` : ""));
  }
  console.log(`\n${lines.join("\n")}\n${notes.join("\n")}\n`);
  await clusters?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

describe("server-side apply of 1,000 objects", () => {
  bench(
    "intentops reconcileSite",
    async () => {
      const site = {
        id: "bench",
        kind: "kubernetes" as const,
        kubernetes: { context: "bench", kubeconfig: clusters.kubeconfigPath },
      };
      for (const phase of PHASES) {
        const packages = [{ intentId: "bench", objects: objects("io", phase.revision) }];
        const start = performance.now();
        const outcome = await reconcileSite({ site, packages, healthTimeoutMs: 0, concurrency: 32 });
        times[`io-${phase.key}`] = performance.now() - start;
        const intent = outcome.intents[0]!;
        const summary = summarizeChangeSet(intent.changeSet) as unknown as Record<string, number>;
        notes.push(`intentops ${phase.key}: ${intent.result} ${JSON.stringify(summary)}`);
        if (!outcome.ok) throw new Error(`intentops apply failed: ${intent.error?.message}`);
        check(summary[phase.expect] === TOTAL, `intentops ${phase.key}: ${JSON.stringify(summary)}`);
        if (phase.key === "changed") await assertRevision("io", 2);
      }
    },
    once,
  );

  bench(
    "kubectl apply --server-side",
    async () => {
      for (const phase of PHASES) {
        const file = join(dir, `objects-${phase.key}.json`);
        await writeFile(
          file,
          JSON.stringify({ apiVersion: "v1", kind: "List", items: objects("kc", phase.revision) }),
        );
        const start = performance.now();
        const { stdout } = await run(kubectl, [...kubectlArgs(), "apply", "--server-side", "-f", file], {
          maxBuffer: 64 * 1024 * 1024,
        });
        times[`kc-${phase.key}`] = performance.now() - start;
        const applied = stdout.split("\n").filter((l) => l.endsWith(" serverside-applied")).length;
        notes.push(`kubectl ${phase.key}: ${applied} objects reported serverside-applied`);
        check(applied === TOTAL, `kubectl ${phase.key}: ${applied} of ${TOTAL} applied`);
        if (phase.key === "changed") await assertRevision("kc", 2);
      }
    },
    once,
  );
});
