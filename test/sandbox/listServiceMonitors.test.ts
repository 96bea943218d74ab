/**
 * listServiceMonitors waits out the API server's 429 "storage is (re)initializing" (what a freshly created
 * CRD answers until its storage is ready; seen in the e2e start-up) as Retry-After asks, and throws any other
 * refusal at once. The server here answers with the API server's Status bodies and headers.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listServiceMonitors } from "../../pipeline/sandbox/syncServiceMonitors.js";

const LIST_PATH = "/apis/monitoring.coreos.com/v1/servicemonitors";
const status = (code: number, reason: string, message: string) =>
  JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  });

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

/** An API server whose list answers are `answers` in turn (the last one repeated); returns a kubeconfig. */
async function apiServer(answers: Array<[number, string]>, seen: number[]): Promise<string> {
  server = createServer((req, res) => {
    seen.push(Date.now());
    const [code, body] = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    if (!req.url?.startsWith(LIST_PATH)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(code, {
      "content-type": "application/json",
      ...(code === 429 ? { "retry-after": "1" } : {}),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  dir = await mkdtemp(join(tmpdir(), "intentops-smlist-"));
  const file = join(dir, "kubeconfig");
  await writeFile(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]`,
      "users: [{ name: u, user: {} }]",
      "contexts: [{ name: edge1, context: { cluster: c, user: u } }]",
      "current-context: edge1",
      "",
    ].join("\n"),
  );
  return file;
}

const ITEMS = JSON.stringify({
  apiVersion: "monitoring.coreos.com/v1",
  kind: "ServiceMonitorList",
  metadata: {},
  items: [{ metadata: { name: "analytics", namespace: "edge-analytics" }, spec: { endpoints: [] } }],
});
const INITIALIZING: [number, string] = [429, status(429, "TooManyRequests", "storage is (re)initializing")];

describe("listServiceMonitors", () => {
  it("GIVEN 429 'storage is (re)initializing' twice THEN it waits Retry-After each time and returns the list", async () => {
    const seen: number[] = [];
    const kubeconfig = await apiServer([INITIALIZING, INITIALIZING, [200, ITEMS]], seen);
    const items = await listServiceMonitors(kubeconfig, "edge1");
    expect(items.map((i) => i.metadata.name)).toEqual(["analytics"]);
    expect(seen).toHaveLength(3);
    // Retry-After: 1 was honoured (timers never fire early, however loaded the machine).
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(990);
    expect(seen[2]! - seen[1]!).toBeGreaterThanOrEqual(990);
  });

  it("GIVEN 429 past the deadline THEN the API server's error is thrown", async () => {
    const seen: number[] = [];
    const kubeconfig = await apiServer([INITIALIZING], seen);
    await expect(listServiceMonitors(kubeconfig, "edge1", 1500)).rejects.toThrow(
      /storage is \(re\)initializing/,
    );
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  it("GIVEN 403 THEN it is thrown at once, not retried", async () => {
    const seen: number[] = [];
    const kubeconfig = await apiServer(
      [[403, status(403, "Forbidden", "servicemonitors is forbidden")]],
      seen,
    );
    await expect(listServiceMonitors(kubeconfig, "edge1")).rejects.toThrow(/forbidden/);
    expect(seen).toHaveLength(1);
  });
});
