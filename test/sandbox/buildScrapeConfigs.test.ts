/**
 * The sandbox's Prometheus configuration: the rendered ServiceMonitor translated the way the Prometheus
 * Operator translates it, the kubelet and kube-state-metrics jobs, the loopback mapping last — and the
 * whole file accepted by Prometheus' own `promtool check config`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildScrapeConfigs, type ServiceMonitorLike } from "../../pipeline/sandbox/buildScrapeConfigs.js";
import { loopbackOf } from "../../pipeline/sandbox/podAddress.js";
import { ROOT } from "../slo/helpers.js";

let dir: string;
let monitor: ServiceMonitorLike;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "intentops-scrape-"));
  monitor = parse(
    await readFile(
      join(ROOT, "rendered", "edge1", "edge-analytics", "servicemonitor_analytics.yaml"),
      "utf8",
    ),
  ) as ServiceMonitorLike;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sites = () => [
  {
    site: "edge1",
    discoveryUrl: "http://127.0.0.1:9300/edge1/",
    kubeStateMetrics: "127.0.0.1:9101",
    serviceMonitors: [monitor],
  },
];

function promtool(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("the sandbox's scrape configuration", () => {
  it("translates the rendered ServiceMonitor as the operator does: endpoints discovery, keep on the Service's labels and port, standard target labels, pod labels, its own relabelings", () => {
    const configs = buildScrapeConfigs(sites());
    expect(configs.map((c) => c["job_name"])).toEqual([
      "edge1/kube-state-metrics",
      "edge1/kubelet",
      "edge1/serviceMonitor/edge-analytics/analytics/0",
    ]);
    const job = configs[2]!;
    expect(job["http_sd_configs"]).toEqual([
      { url: "http://127.0.0.1:9300/edge1/endpoints?namespaces=edge-analytics", refresh_interval: "1s" },
    ]);
    expect(job["honor_labels"]).toBe(false);
    expect(job["metrics_path"]).toBe("/metrics");
    const rules = job["relabel_configs"] as Array<Record<string, unknown>>;
    expect(rules).toContainEqual({
      action: "keep",
      source_labels: [
        "__meta_kubernetes_service_label_app_kubernetes_io_name",
        "__meta_kubernetes_service_labelpresent_app_kubernetes_io_name",
      ],
      regex: "(analytics);true",
    });
    expect(rules).toContainEqual({
      action: "keep",
      source_labels: ["__meta_kubernetes_endpoint_port_name"],
      regex: "http",
    });
    for (const label of ["namespace", "service", "pod", "container", "job", "endpoint"]) {
      expect(rules.some((r) => r["target_label"] === label)).toBe(true);
    }
    expect(rules).toContainEqual({
      source_labels: ["__meta_kubernetes_pod_label_intentops_io_revision"],
      target_label: "intentops_io_revision",
      regex: "(.+)",
      replacement: "$1",
    });
    expect(rules).toContainEqual({
      action: "drop",
      source_labels: ["__meta_kubernetes_endpoint_ready"],
      regex: "false",
    });
    // The sandbox's own rules come last: the site label, then pod address → loopback, keep loopback only.
    expect(rules.slice(-3).map((r) => r["target_label"] ?? r["action"])).toEqual([
      "site",
      "__address__",
      "keep",
    ]);
  });

  it("maps each site's pod addresses one to one into loopback", () => {
    expect(loopbackOf("10.244.0.17")).toBe("127.244.0.17");
    expect(loopbackOf("10.245.3.2")).toBe("127.245.3.2");
    expect(loopbackOf("192.168.1.1")).toBeUndefined();
  });

  it("is a configuration Prometheus' promtool accepts", async () => {
    const file = join(dir, "prometheus.yml");
    await writeFile(
      file,
      JSON.stringify({ global: { scrape_interval: "1s" }, scrape_configs: buildScrapeConfigs(sites()) }),
    );
    const { code, output } = await promtool(["check", "config", file]);
    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  });
});
