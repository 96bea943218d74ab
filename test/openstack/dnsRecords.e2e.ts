/**
 * DNS intents on an OpenStack site, through the real site driver on the OpenStack sandbox: the
 * `analytics-dns` intent aimed at `openstack1`, compiled and rendered by the project's compiler and
 * generators into a `RecordSet`, reconciled by `reconcileOpenStackSite` (Keystone token, the stack part read
 * from Nova/Neutron/Cinder — empty for a DNS-only intent — and the records written to Debian's PowerDNS
 * named by the site's `dns:` entry, key by file reference), answered by `dig`. A changed intent changes the
 * answer, a rollback (`git revert` of the change's delivery commit, and the package at the revert commit
 * reconciled) restores it, deleting the intent makes the name NXDOMAIN; a record made by hand is never touched, and an intent claiming its name
 * is refused with nothing written.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileIntent } from "../../compiler/compileIntent.js";
import type { Site } from "../../compiler/types.js";
import { generatePackage } from "../../functions/generators/index.js";
import { formatObject } from "../../functions/runtime/formatObject.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import {
  type ReconcileOpenStackSiteOutcome,
  reconcileOpenStackSite,
} from "../../pipeline/openstack/reconcileOpenStackSite.js";
import { objectsOfPackage } from "../../pipeline/reconcile/readPackage.js";
import { type PowerDnsServer, startPowerDns } from "../../pipeline/sandbox/startPowerDns.js";
import { digAnswers } from "../dns/digAnswers.js";
import { type DeliveryRepo, openDeliveryRepo } from "../support/deliveryRepo.js";
import { type Fixture, openFixture } from "./support/openStackFixture.js";
import { repositoryRegistry } from "./support/webAppStack.js";

const ROOT = join(import.meta.dirname, "../..");
const ZONE = "edge.example.com";
const NAME = "analytics.edge.example.com";
const INTENT_ID = "analytics-dns";

let f: Fixture;
let pdns: PowerDnsServer;
let site: Site;
let work: string;
let delivery: DeliveryRepo;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "intentops-os-dns-"));
  delivery = openDeliveryRepo(join(work, "delivery.git"), "openstack1", INTENT_ID);
  f = await openFixture();
  pdns = await startPowerDns();
  await pdns.createZone(`${ZONE}.`);
  site = { ...f.site, dns: { provider: "powerdns", apiUrl: pdns.apiUrl, apiKey: { file: pdns.apiKeyFile } } };
}, 900_000);
afterAll(async () => {
  await pdns?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The repository's analytics-dns intent aimed at openstack1 with these targets (and name), rendered. */
async function rendered(targets: string[], name = NAME, version = "1"): Promise<KrmObject[]> {
  const intent = JSON.parse(await readFile(join(ROOT, "intents", `${INTENT_ID}.json`), "utf8"));
  intent.version = version;
  const params = intent.expression.expressionValue["icm:hasExpectation"][0]["icm:params"];
  params["io:site"] = "openstack1";
  params["io:recordTargets"] = targets;
  params["io:dnsName"] = name;
  const registry = await repositoryRegistry();
  const compiled = await compileIntent(JSON.stringify(intent), registry);
  return generatePackage(compiled, registry.sites.find((s) => s.id === "openstack1")!).objects as KrmObject[];
}

const reconcile = (objects: KrmObject[], deleted = false): Promise<ReconcileOpenStackSiteOutcome> =>
  reconcileOpenStackSite(
    { site, packages: [{ intentId: INTENT_ID, objects, ...(deleted ? { deleted: true } : {}) }] },
    { stateDir: f.stateDir },
  );
const summary = (o: ReconcileOpenStackSiteOutcome) => ({
  result: o.intents[0]?.result,
  error: o.intents[0]?.error?.code,
  changes: o.intents[0]?.changeSet.map((e) => `${e.action} ${e.ref}`),
});
const dig = (name: string, type = "A") => digAnswers(pdns.dnsPort, name, type);
/** Delivers a revision's package (one commit in the delivery repository); answers its objects. */
const deliver = async (objects: KrmObject[], version: string) => {
  const files = Object.fromEntries(
    objects.map((o) => [`${o.kind.toLowerCase()}_${o.metadata.name}.yaml`, formatObject(o)]),
  );
  await delivery.deliver(`{"version":"${version}"}\n`, files);
  return objects;
};

it("answers the intent's A records on the OpenStack path; change, rollback, delete; hand-made records stay", async () => {
  const manual = await pdns.putA(`${ZONE}.`, `manual.${ZONE}.`, ["198.51.100.7"]);
  expect(manual).toBe(204);
  expect((await dig(NAME)).status).toBe("NXDOMAIN");

  const v1 = await deliver(await rendered(["192.0.2.10", "192.0.2.11"]), "1");
  expect(v1.map((o) => o.kind)).toEqual(["RecordSet"]);
  expect(summary(await reconcile(v1))).toEqual({
    result: "success",
    error: undefined,
    changes: ["created RecordSet/analytics-analytics-edge-example-com-a"],
  });
  expect(await dig(NAME)).toEqual({ status: "NOERROR", answers: ["192.0.2.10", "192.0.2.11"] });
  // The ownership mark PowerDNS keeps with the rrset.
  const zone = (await (await pdns.api(`/api/v1/servers/localhost/zones/${ZONE}.`)).json()) as {
    rrsets: Array<{ name: string; type: string; comments: Array<{ account: string; content: string }> }>;
  };
  expect(zone.rrsets.find((r) => r.name === `${NAME}.` && r.type === "A")?.comments).toEqual([
    expect.objectContaining({
      account: "intentops",
      content:
        "intentops-site=openstack1 intentops-intent=analytics-dns intentops-ref=RecordSet/analytics-analytics-edge-example-com-a",
    }),
  ]);
  expect(summary(await reconcile(v1)).result).toBe("noop");

  const v2 = await deliver(await rendered(["192.0.2.20"], NAME, "2"), "2");
  expect(summary(await reconcile(v2)).changes).toEqual([
    "configured RecordSet/analytics-analytics-edge-example-com-a",
  ]);
  expect(await dig(NAME)).toEqual({ status: "NOERROR", answers: ["192.0.2.20"] });

  // Rollback: git revert of the second delivery; the package at the revert commit reconciled.
  const restored = objectsOfPackage(await delivery.revertLast());
  expect(restored).toEqual(v1.map((o) => JSON.parse(JSON.stringify(o))));
  expect(summary(await reconcile(restored)).result).toBe("success");
  expect(await dig(NAME)).toEqual({ status: "NOERROR", answers: ["192.0.2.10", "192.0.2.11"] });

  // An intent revision claiming the hand-made name: refused, nothing written.
  const claim = await reconcile(await rendered(["192.0.2.99"], `manual.${ZONE}`, "3"));
  expect(summary(claim)).toMatchObject({ result: "failure", error: "E_DNS_NOT_OWNED" });
  expect(await dig(`manual.${ZONE}`)).toEqual({ status: "NOERROR", answers: ["198.51.100.7"] });
  expect(await dig(NAME)).toEqual({ status: "NOERROR", answers: ["192.0.2.10", "192.0.2.11"] });

  // Delete: the intent's empty package.
  expect(summary(await reconcile([], true))).toEqual({
    result: "success",
    error: undefined,
    changes: ["deleted RecordSet/analytics-analytics-edge-example-com-a"],
  });
  expect((await dig(NAME)).status).toBe("NXDOMAIN");
  expect(await dig(`manual.${ZONE}`)).toEqual({ status: "NOERROR", answers: ["198.51.100.7"] });
}, 600_000);
