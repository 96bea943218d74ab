/**
 * The sandbox's authoritative DNS server: Debian's PowerDNS (gsqlite3 backend) started on free loopback
 * ports, its zone made through its HTTP API, records changed through the API and answered by `dig` at
 * once: a new record, a changed record, a deleted one (NXDOMAIN); the API refuses a wrong key; stop
 * leaves nothing behind. (ExternalDNS writes to this same API on the Kubernetes sites.)
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type PowerDnsServer,
  powerDnsAvailable,
  startPowerDns,
} from "../../pipeline/sandbox/startPowerDns.js";

const run = promisify(execFile);
if (!(await powerDnsAvailable())) throw new Error("pdns_server is not installed: run .ci/install");

let p: PowerDnsServer;
beforeAll(async () => {
  p = await startPowerDns();
}, 60_000);
afterAll(async () => {
  await p?.stop();
});

async function dig(name: string) {
  const { stdout } = await run("dig", [
    "@127.0.0.1",
    "-p",
    String(p.dnsPort),
    "+tries=1",
    "+time=2",
    name,
    "A",
  ]);
  const answer = stdout.split(";; ANSWER SECTION:\n")[1]?.split("\n\n")[0] ?? "";
  return {
    status: /status: (\w+)/.exec(stdout)?.[1],
    answers: answer
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(/\s+/).at(-1))
      .sort(),
  };
}

const rrset = (name: string, changetype: "REPLACE" | "DELETE", addresses: string[] = []) =>
  p.api("/api/v1/servers/localhost/zones/edge.example.com.", {
    method: "PATCH",
    body: JSON.stringify({
      rrsets: [
        {
          name,
          type: "A",
          ttl: 60,
          changetype,
          records: addresses.map((content) => ({ content, disabled: false })),
        },
      ],
    }),
  });

it("answers what its API writes: add, change, delete (NXDOMAIN)", async () => {
  await p.createZone("edge.example.com.");
  await p.createZone("edge.example.com."); // a second create finds it
  expect(await dig("analytics.edge.example.com")).toEqual({ status: "NXDOMAIN", answers: [] });

  expect((await rrset("analytics.edge.example.com.", "REPLACE", ["192.0.2.10", "192.0.2.11"])).status).toBe(
    204,
  );
  expect(await dig("analytics.edge.example.com")).toEqual({
    status: "NOERROR",
    answers: ["192.0.2.10", "192.0.2.11"],
  });

  expect((await rrset("analytics.edge.example.com.", "REPLACE", ["192.0.2.20"])).status).toBe(204);
  expect(await dig("analytics.edge.example.com")).toEqual({ status: "NOERROR", answers: ["192.0.2.20"] });

  expect((await rrset("analytics.edge.example.com.", "DELETE")).status).toBe(204);
  expect(await dig("analytics.edge.example.com")).toEqual({ status: "NXDOMAIN", answers: [] });
});

it("refuses the API without its key, and stop removes its directory", async () => {
  const res = await fetch(`${p.apiUrl}/api/v1/servers/localhost/zones`, {
    headers: { "x-api-key": "wrong" },
  });
  expect(res.status).toBe(401);
  await res.arrayBuffer();
  const dir = p.dir;
  await p.stop();
  expect(p.running()).toBe(false);
  expect(existsSync(dir)).toBe(false);
});
