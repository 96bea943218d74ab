/**
 * Generated intents for the render tests and the benchmark: `count` application intents (9 objects each:
 * Namespace, ConfigMap, Service, Deployment, HPA, PDB, NetworkPolicy, ServiceMonitor, PrometheusRule) on
 * the example sites, each a small variation of `intents/edge-analytics.json`, written as `<id>.json` with
 * the example `sites.yaml` beside them. Deterministic: the same count gives the same bytes.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const SITES = ["edge1", "edge2"] as const;

/** The intent with number `n` (id `app-<n>`, site edge1 or edge2), as JSON text. */
export function intentText(n: number, overrides: { site?: string; version?: string } = {}): string {
  const id = `app-${String(n).padStart(5, "0")}`;
  const site = overrides.site ?? SITES[n % SITES.length]!;
  const intent = {
    "@type": "Intent",
    id,
    name: `Generated application ${n}`,
    description: `Generated application ${n} for the render tests and benchmark.`,
    version: overrides.version ?? "1",
    expression: {
      "@type": "JsonLdExpression",
      iri: `https://intentops.io/intents/${id}`,
      expressionValue: {
        "@context": {
          icm: "http://tio.models.tmforum.org/tio/v3.6.0/IntentCommonModel/",
          quan: "http://tio.models.tmforum.org/tio/v3.6.0/QuantityOntology/",
          io: "https://intentops.io/ontology/v1#",
        },
        "@id": `io:${id}`,
        "@type": "icm:Intent",
        "icm:hasExpectation": [
          {
            "@id": "io:deliver-app",
            "@type": "icm:DeliveryExpectation",
            "icm:target": "io:app",
            "icm:params": {
              "icm:targetDescription": "io:EdgeService_Support",
              "io:site": site,
              "io:workload": "application",
              "io:appName": `svc${n % 97}`,
              "io:appVersion": `1.${n % 10}.0`,
              "io:image": `registry.example.com/svc${n % 97}:1.${n % 10}.0`,
              "io:minReplicas": 2,
              "io:maxReplicas": 4 + (n % 3),
              "io:port": 8000 + (n % 100),
              "io:cpuRequest": "100m",
              "io:cpuLimit": "200m",
              "io:memoryRequest": "128Mi",
              "io:memoryLimit": "256Mi",
            },
          },
          {
            "@id": "io:app-slo",
            "@type": "icm:PropertyExpectation",
            "icm:target": "io:app",
            "icm:params": {
              "io:p95Latency": [{ "quan:smaller": `${100 + (n % 50)} ms` }],
              "io:errorRate": [{ "quan:smaller": "1 %" }],
              "io:cpuUtilization": [{ "icm:atMost": "80%" }],
            },
          },
        ],
      },
    },
  };
  return `${JSON.stringify(intent, null, 2)}\n`;
}

/** Writes intents 0 … count-1 and the example site registry into `dir` (created). */
export async function writeIntents(dir: string, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(resolve("intents/sites.yaml"), join(dir, "sites.yaml"));
  for (let n = 0; n < count; n++) {
    await writeFile(join(dir, `app-${String(n).padStart(5, "0")}.json`), intentText(n));
  }
}
