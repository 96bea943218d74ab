/**
 * Benchmark: server-side apply of 1,000 objects (100 Namespaces × 9 ConfigMaps + the 100 Namespaces)
 * with `reconcileSite` (bounded concurrency, inventory, prune check; no health wait) versus
 * `kubectl apply --server-side` on the same objects (in other namespaces) against one cluster of
 * test/support/controlPlane.ts; then each re-applies its objects unchanged.
 *
 * Run:  npx vitest bench --run test/bench/apply.bench.ts
 * kubectl is the one the control-plane build puts in its cache directory (same Kubernetes version as
 * the cluster); its version is printed. Each side runs once; a table with ratios is printed at the end.
 * Targets: first apply ≥ 2× faster than kubectl; re-apply of unchanged objects ≤ 1 s.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { afterAll, beforeAll, bench, describe } from "vitest";
import type { KrmObject } from "../../functions/runtime/types.js";
import { reconcileSite, summarizeChangeSet } from "../../pipeline/reconcile/index.js";
import { type Clusters, ensureControlPlaneBinary, startClusters } from "../support/controlPlane.js";

const NAMESPACES = 100;
const CONFIGMAPS_PER_NAMESPACE = 9;
const run = promisify(execFile);

function objects(prefix: string): KrmObject[] {
  const out: KrmObject[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `${prefix}-${n}`;
    out.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    for (let c = 0; c < CONFIGMAPS_PER_NAMESPACE; c++) {
      out.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm-${c}`, namespace: ns, labels: { "app.kubernetes.io/name": `cm-${c}` } },
        data: { index: String(c), namespace: ns, payload: "x".repeat(200) },
      });
    }
  }
  return out;
}

let clusters: Clusters;
let kubectl: string;
let kubectlVersion = "";
let dir: string;
const times: Record<string, number> = {};
const notes: string[] = [];

beforeAll(async () => {
  kubectl = (await ensureControlPlaneBinary()).kubectl;
  kubectlVersion = (await run(kubectl, ["version", "--client"])).stdout.split("\n")[0] ?? "";
  clusters = await startClusters(1, { names: ["bench"] });
  dir = await mkdtemp(join(tmpdir(), "intentops-apply-bench-"));
}, 600_000);

afterAll(async () => {
  const row = (label: string, io?: number, kc?: number) =>
    `${label.padEnd(22)} ${io === undefined ? "-" : `${io.toFixed(0)} ms`.padStart(10)} ${kc === undefined ? "-" : `${kc.toFixed(0)} ms`.padStart(10)} ${io && kc ? `${(kc / io).toFixed(2)}x`.padStart(8) : ""}`;
  console.log(
    `\n1,000 objects (${NAMESPACES} Namespaces + ${NAMESPACES * CONFIGMAPS_PER_NAMESPACE} ConfigMaps), kubectl: ${kubectlVersion}\n` +
      `${"".padEnd(22)} ${"intentops".padStart(10)} ${"kubectl".padStart(10)} ${"kubectl/intentops".padStart(8)}\n` +
      `${row("first apply", times["io-first"], times["kc-first"])}\n` +
      `${row("re-apply (unchanged)", times["io-again"], times["kc-again"])}\n` +
      `targets: first apply >= 2x faster than kubectl; re-apply <= 1000 ms\n${notes.join("\n")}\n`,
  );
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
      const packages = [{ intentId: "bench", objects: objects("io") }];
      for (const phase of ["first", "again"] as const) {
        const start = performance.now();
        const outcome = await reconcileSite({ site, packages, healthTimeoutMs: 0, concurrency: 32 });
        times[`io-${phase}`] = performance.now() - start;
        const intent = outcome.intents[0]!;
        notes.push(
          `intentops ${phase}: ${intent.result} ${JSON.stringify(summarizeChangeSet(intent.changeSet))}`,
        );
        if (!outcome.ok) throw new Error(`intentops apply failed: ${intent.error?.message}`);
      }
    },
    once,
  );

  bench(
    "kubectl apply --server-side",
    async () => {
      const file = join(dir, "objects.json");
      await writeFile(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects("kc") }));
      for (const phase of ["first", "again"] as const) {
        const start = performance.now();
        const { stdout } = await run(
          kubectl,
          [
            "--kubeconfig",
            clusters.kubeconfigPath,
            "--context",
            "bench",
            "apply",
            "--server-side",
            "-f",
            file,
          ],
          { maxBuffer: 64 * 1024 * 1024 },
        );
        times[`kc-${phase}`] = performance.now() - start;
        notes.push(`kubectl ${phase}: ${stdout.trim().split("\n").length} lines of output`);
      }
    },
    once,
  );
});
