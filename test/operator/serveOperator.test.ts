import { copyFile, mkdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intentDeploymentPath, runIdOf } from "../../pipeline/operator/intentDeployment.js";
import { read } from "../../pipeline/operator/updateStatus.js";
import { TERMINAL } from "../../pipeline/run/runTypes.js";
import { type PrometheusServer, startPrometheus } from "../../pipeline/sandbox/startPrometheus.js";
import { callChecked, checkResponse } from "../api/contractCheck.js";
import { KEYS, officialExample } from "../api/serveHarness.js";
import { prepareServeWork, type ServeProcess, type ServeWork, spawnServe } from "../api/serveProcess.js";
import { gitLog, listLabelled } from "../e2e/helpers.js";
import { gitCli } from "../support/gitHttpServer.js";
import {
  type ControllerProcess,
  type Management,
  prepareSite,
  sleep,
  spawnController,
  startManagement,
} from "./helpers.js";

const NS = "intentops";
const NAME = "edge-analytics";
const BASE = "/tmf-api/intentManagement/v5";

let m: Management;
let prom: PrometheusServer;
let wa: ServeWork;
let wb: ServeWork;
let a: ServeProcess | undefined;
let b: ServeProcess | undefined;
let controller: ControllerProcess | undefined;
let intent: Record<string, unknown> & { id: string };
/** Hub events delivered to a listener registered on replica B. */
const events: Array<{ eventType: string; event: { intent?: { id: string; lifecycleStatus: string } } }> = [];
let listener: Server;

const operatorFlags = () => [
  "--operator",
  "--management-kubeconfig",
  m.kubeconfig,
  "--management-context",
  "mgmt",
  "--namespace",
  NS,
  "--recover-every",
  "0",
];

const logs = () =>
  `--- controller\n${controller?.log().slice(-4000)}\n--- A\n${a?.logs().slice(-3000)}\n--- B\n${b?.logs().slice(-3000)}`;

beforeAll(async () => {
  m = await startManagement(NS);
  prom = await startPrometheus({ targets: [] });
  wa = await prepareServeWork("serve-operator-a");
  // Replica B: its own directory (its own clone), the same remote and keys.
  wb = { ...wa, work: join(wa.work, "replica-b") };
  await mkdir(join(wb.work, "intents"), { recursive: true });
  await copyFile(join(wa.work, "intents", "sites.yaml"), join(wb.work, "intents", "sites.yaml"));
  const site = await prepareSite(m, wa.work, prom.url);
  const sitesFile = site.sitesFile;
  // Without its SLO targets (an empty Prometheus would leave them inconclusive): it ends Succeeded.
  intent = site.withoutSlo;

  const dir = join(wa.work, "controller");
  await mkdir(dir, { recursive: true });
  controller = spawnController(m, { identity: "c1", namespace: NS, dir, remote: wa.remote, sitesFile });
  a = await spawnServe(wa, operatorFlags());
  b = await spawnServe(wb, operatorFlags());
  listener = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => {
      events.push(JSON.parse(data));
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
}, 300_000);

afterAll(async () => {
  for (const p of [a?.child, b?.child, controller?.child]) {
    if (p && p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  }
  await new Promise((r) => listener?.close(r));
  await prom?.stop();
  await wa?.gitServer.close();
  await m?.stop();
  if (wa) await rm(wa.work, { recursive: true, force: true });
}, 120_000);

async function call(
  serve: ServeProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; text: string }> {
  return callChecked(serve.url, KEYS.writer, method, path, body);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 240_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}\n${logs()}`);
    await sleep(300);
  }
}

/** The resource once its run for `generation` is terminal. */
const finished = (name: string, generation: number) =>
  until(`${name} generation ${generation} to finish`, async () => {
    const r = await read(m.kube, NS, name).catch(() => undefined);
    const run = r?.status?.run;
    return run && run.revision === generation && TERMINAL.has(run.phase) ? r : undefined;
  });

/** Intake commits (trailer `Intake: api`) naming the intent. */
async function intakeCommits(intentId: string) {
  return (await gitLog(wa.bare)).filter(
    (c) => c.body.includes("Intake: api") && c.body.includes(`Intent-Id: ${intentId}\n`),
  );
}

describe("serve --operator: two stateless API replicas over IntentDeployments", () => {
  it("POST on A: committed to Git, an IntentDeployment made, run by the controller; B answers the same", async () => {
    const callback = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/listener`;
    expect((await call(b!, "POST", `${BASE}/hub`, { "@type": "Hub", callback })).status).toBe(201);
    const created = await call(a!, "POST", `${BASE}/intent`, intent);
    expect(created.status, created.text).toBe(201);
    const resource = await read(m.kube, NS, NAME);
    expect(resource.spec.intent).toEqual(intent);
    expect(resource.metadata.finalizers).toContain("intentops.io/withdraw");
    const commits = await intakeCommits(NAME);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.subject).toBe(`intake ${NAME}: create via the API`);
    expect(await gitCliAuthor(commits[0]!.sha)).toBe("Writer Bot <writer@example.test>");

    const done = await finished(NAME, 1);
    expect(done.status?.phase, JSON.stringify(done.status?.error)).toBe("Succeeded");
    // The run the 201 named is the run the controller made.
    expect(done.status?.runId).toBe(runIdOf(done.metadata.uid!, 1));

    const onA = await until("A to show it completed", async () => {
      const r = await call(a!, "GET", `${BASE}/intent/${NAME}`);
      return (r.json as { lifecycleStatus: string }).lifecycleStatus === "completed" ? r : undefined;
    });
    const onB = await until("B to show it completed", async () => {
      const r = await call(b!, "GET", `${BASE}/intent/${NAME}`);
      return (r.json as { lifecycleStatus: string }).lifecycleStatus === "completed" ? r : undefined;
    });
    expect(onB.json).toEqual(onA.json);
    const reportsA = await call(a!, "GET", `${BASE}/intent/${NAME}/intentReport`);
    const reportsB = await call(b!, "GET", `${BASE}/intent/${NAME}/intentReport`);
    expect(reportsB.json).toEqual(reportsA.json);
    const [report] = reportsB.json as Array<{
      id: string;
      expression: { expressionValue: Record<string, unknown> };
    }>;
    expect(report!.id).toBe(done.status?.runId);
    expect(report!.expression.expressionValue["io:phase"]).toBe("Succeeded");
    expect(report!.expression.expressionValue["io:deliveryCommit"]).toBe(done.status?.deliveryCommit);

    const listB = await call(b!, "GET", `${BASE}/intent`);
    expect((listB.json as Array<{ id: string }>).map((i) => i.id)).toEqual([NAME]);
    const statsA = await call(a!, "GET", "/api/statistics");
    const statsB = await call(b!, "GET", "/api/statistics");
    expect(statsB.json).toEqual(statsA.json);
    expect(statsB.json).toMatchObject({ runs: 1, byState: { Succeeded: 1 }, successRate: 1 });
    // B was not asked anything: it saw the status change through its watch and told its listener.
    await until("B's hub to announce completed", async () =>
      events.some(
        (e) =>
          e.eventType === "IntentStatusChangeEvent" &&
          e.event.intent?.id === NAME &&
          e.event.intent.lifecycleStatus === "completed",
      )
        ? true
        : undefined,
    );
    const ready = await call(b!, "GET", "/health/ready");
    expect(ready.status, ready.text).toBe(200);
    expect(ready.json).toMatchObject({ checks: { git: { ok: true }, management: { ok: true } } });
  }, 400_000);

  it("PATCH on B: a new revision (generation 2) run by the controller, seen alike on A", async () => {
    const patched = await call(b!, "PATCH", `${BASE}/intent/${NAME}`, {
      "@type": "Intent",
      description: "revision 2 via B",
    });
    expect(patched.status, patched.text).toBe(200);
    const resource = await read(m.kube, NS, NAME);
    expect(resource.metadata.generation).toBe(2);
    expect(resource.spec.intent["description"]).toBe("revision 2 via B");
    expect(await intakeCommits(NAME)).toHaveLength(2);
    const done = await finished(NAME, 2);
    expect(done.status?.phase, JSON.stringify(done.status?.error)).toBe("Succeeded");
    const onA = await until("A to show revision 2 completed", async () => {
      const r = await call(a!, "GET", `${BASE}/intent/${NAME}`);
      const body = r.json as {
        lifecycleStatus: string;
        description: string;
        creationDate: string;
        lastUpdate: string;
      };
      return body.description === "revision 2 via B" && body.lifecycleStatus === "completed"
        ? body
        : undefined;
    });
    expect(onA.lastUpdate > onA.creationDate).toBe(true);
    const reports = (await call(a!, "GET", `${BASE}/intent/${NAME}/intentReport`)).json as Array<{
      id: string;
    }>;
    expect(reports.map((r) => r.id)).toEqual([runIdOf(done.metadata.uid!, 2)]);
  }, 400_000);

  it("SIGKILL of A right after a 201: restarted, nothing lost and nothing twice", async () => {
    const id = "killed-after-201";
    const body = { ...officialExample("Intent_create_example_01_request"), id };
    const created = await call(a!, "POST", `${BASE}/intent`, body);
    expect(created.status, created.text).toBe(201);
    a!.child.kill("SIGKILL");
    expect((await a!.exited).signal).toBe("SIGKILL");
    a = await spawnServe(wa, operatorFlags());
    const resource = await until("the run to end", async () => {
      const r = await read(m.kube, NS, id).catch(() => undefined);
      return r?.status?.run && TERMINAL.has(r.status.run.phase) ? r : undefined;
    });
    expect(resource.metadata.generation).toBe(1);
    expect(resource.status?.runId).toBe(runIdOf(resource.metadata.uid!, 1));
    expect(await intakeCommits(id)).toHaveLength(1);
    const list = (await call(a!, "GET", `${BASE}/intent`)).json as Array<{ id: string }>;
    expect(list.map((i) => i.id).sort()).toEqual([NAME, id].sort());
    const reports = (await call(a!, "GET", `${BASE}/intent/${id}/intentReport`)).json as unknown[];
    expect(reports).toHaveLength(1);
  }, 400_000);

  it("SIGKILL of A between the Git commit and the resource write: its restart makes the resource, once", async () => {
    const id = "killed-after-commit";
    a!.child.kill("SIGTERM");
    await a!.exited;
    a = await spawnServe(wa, operatorFlags(), { INTENTOPS_TEST_CRASH_AT: "operator:after-commit" });
    const body = { ...officialExample("Intent_create_example_01_request"), id };
    const answer = await fetch(`${a.url}${BASE}/intent`, {
      method: "POST",
      headers: { "x-api-key": KEYS.writer, "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then(
      (r) => r.status,
      () => "no answer",
    );
    expect(answer).toBe("no answer");
    expect((await a.exited).signal).toBe("SIGKILL");
    expect(await intakeCommits(id)).toHaveLength(1);
    const missing = await m.kube.request({ method: "GET", path: intentDeploymentPath(NS, id) });
    expect(missing.status).toBe(404);
    // B does not look at Git again on its own (--recover-every 0): the restart of A is what recovers it.
    expect((await call(b!, "GET", `${BASE}/intent/${id}`)).status).toBe(404);

    a = await spawnServe(wa, operatorFlags());
    const resource = await until("the recovered resource's run to end", async () => {
      const r = await read(m.kube, NS, id).catch(() => undefined);
      return r?.status?.run && TERMINAL.has(r.status.run.phase) ? r : undefined;
    });
    expect(resource.metadata.generation).toBe(1);
    expect(resource.spec.intent).toEqual({ ...body, id });
    expect(resource.metadata.annotations?.["intentops.io/request-id"]).toBeDefined();
    expect(await intakeCommits(id)).toHaveLength(1);
    const onB = await until("B to list it", async () => {
      const r = await call(b!, "GET", `${BASE}/intent/${id}`);
      return r.status === 200 ? r : undefined;
    });
    expect((onB.json as { id: string }).id).toBe(id);
    // A second restart finds nothing to do.
    a.child.kill("SIGTERM");
    await a.exited;
    a = await spawnServe(wa, operatorFlags());
    await sleep(1500); // its log lines are flushed every 500 ms
    expect(a.logs()).not.toContain("resource created from Git");
    expect((await read(m.kube, NS, id)).metadata.generation).toBe(1);
  }, 400_000);

  it("Idempotency-Key: a retry on B of a POST /api/intent A answered is a replay, not a second intent", async () => {
    const body = officialExample("Intent_create_example_01_request");
    delete body["id"];
    const post = async (serve: ServeProcess, payload: unknown) => {
      const res = await fetch(`${serve.url}/api/intent`, {
        method: "POST",
        headers: {
          "x-api-key": KEYS.writer,
          "content-type": "application/json",
          "idempotency-key": "retry-1",
        },
        body: JSON.stringify(payload),
      });
      const text = await res.text();
      checkResponse({
        method: "POST",
        path: "/api/intent",
        status: res.status,
        body: text,
        contentType: res.headers.get("content-type") ?? undefined,
      });
      return { status: res.status, json: JSON.parse(text) as { intentId: string; replayed: boolean } };
    };
    const first = await post(a!, body);
    expect(first.status).toBe(202);
    expect(first.json.replayed).toBe(false);
    // Asked of B at once: its informer may not have seen the resource yet; the API server has.
    const again = await post(b!, body);
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ intentId: first.json.intentId, replayed: true });
    const other = await post(b!, { ...body, name: "another body" });
    expect(other.status).toBe(422);
    expect(await intakeCommits(first.json.intentId)).toHaveLength(1);
    const resources = await m.kube.request({ method: "GET", path: intentDeploymentPath(NS) });
    const names = ((resources.body?.["items"] ?? []) as Array<{ metadata: { name: string } }>).map(
      (r) => r.metadata.name,
    );
    expect(names.filter((n) => n === first.json.intentId)).toHaveLength(1);
    expect(names).toHaveLength(4);
  }, 120_000);

  it("DELETE on A: the resource is withdrawn through the delete flow and the intent's objects are gone", async () => {
    const before = await read(m.kube, NS, NAME);
    const removed = await call(a!, "DELETE", `${BASE}/intent/${NAME}`);
    expect([202, 204]).toContain(removed.status);
    await until("the resource to be gone", async () => {
      const res = await m.kube.request({ method: "GET", path: intentDeploymentPath(NS, NAME) });
      return res.status === 404 ? true : undefined;
    });
    const log = await gitLog(wa.bare);
    expect(log.some((c) => c.subject === `intent ${NAME}: delete from mgmt`)).toBe(true);
    const labelled = await listLabelled(
      m.kubeconfig,
      "mgmt",
      [{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } }],
      NAME,
    );
    expect(labelled).toEqual([]);
    await until("B to forget it", async () => {
      const r = await call(b!, "GET", `${BASE}/intent/${NAME}`);
      return r.status === 404 ? true : undefined;
    });
    expect(before.metadata.uid).toBeDefined();
  }, 400_000);
});

async function gitCliAuthor(sha: string): Promise<string> {
  return (await gitCli(["show", "-s", "--format=%an <%ae>", sha], wa.bare)).trim();
}
