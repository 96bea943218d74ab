/**
 * The OpenStack site driver's DNS step (`applyDnsRecords`) against Debian's real PowerDNS, answers read with
 * `dig`: ownership holds — a hand-made record and another intent's record are never replaced or deleted,
 * and an intent claiming a name someone else holds is refused with nothing written; a re-apply changes
 * nothing; TXT values keep their quotes and spaces; bad references and a wrong key fail with the reason,
 * never the key. (The whole path through `reconcileOpenStackSite` on the OpenStack sandbox is
 * `test/openstack/dnsRecords.e2e.ts`.)
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Site } from "../../compiler/types.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { applyDnsRecords } from "../../pipeline/openstack/dns/applyDnsRecords.js";
import {
  type DesiredRecordSet,
  readDesiredRecordSets,
} from "../../pipeline/openstack/dns/readDesiredRecordSets.js";
import {
  type PowerDnsServer,
  powerDnsAvailable,
  startPowerDns,
} from "../../pipeline/sandbox/startPowerDns.js";
import { digAnswers } from "./digAnswers.js";

if (!(await powerDnsAvailable())) throw new Error("pdns_server is not installed: run .ci/install");

const ZONE = "os.example.org";
let p: PowerDnsServer;
let site: Site;
beforeAll(async () => {
  p = await startPowerDns();
  await p.createZone(`${ZONE}.`);
  site = {
    id: "openstack1",
    kind: "openstack",
    dns: { provider: "powerdns", apiUrl: p.apiUrl, apiKey: { file: p.apiKeyFile } },
  } as Site;
}, 60_000);
afterAll(async () => {
  await p?.stop();
});

const recordSet = (name: string, records: string[], type = "A"): KrmObject => ({
  apiVersion: "openstack.intentops.io/v1alpha1",
  kind: "RecordSet",
  metadata: { name: `${name.split(".")[0]}-${type.toLowerCase()}` },
  spec: { name: `${name}.`, type, records, ttl: 60 },
});
const desired = (...objects: KrmObject[]): DesiredRecordSet[] => readDesiredRecordSets(objects);
const apply = (intentId: string, records: DesiredRecordSet[], s: Site = site) =>
  applyDnsRecords({ site: s, intentId, records });
const dig = (name: string, type = "A") => digAnswers(p.dnsPort, name, type);
const codeOf = async (work: Promise<unknown>) =>
  work.then(
    () => "no error",
    (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
  );

it("writes, keeps, changes and deletes only its own records", async () => {
  const manual = await p.putA(`${ZONE}.`, `manual.${ZONE}.`, ["198.51.100.7"]);
  expect(manual).toBe(204);

  const first = await apply("web", desired(recordSet(`www.${ZONE}`, ["192.0.2.1", "192.0.2.2"])));
  expect(first.map((e) => `${e.action} ${e.ref}`)).toEqual(["created RecordSet/www-a"]);
  expect(await dig(`www.${ZONE}`)).toEqual({ status: "NOERROR", answers: ["192.0.2.1", "192.0.2.2"] });
  const again = await apply("web", desired(recordSet(`www.${ZONE}`, ["192.0.2.2", "192.0.2.1"])));
  expect(again.map((e) => e.action)).toEqual(["unchanged"]);

  // Another intent's record beside ours.
  await apply("api", desired(recordSet(`api.${ZONE}`, ["192.0.2.50"])));

  // Claiming the hand-made name, or the other intent's: refused, and nothing of the change written.
  const claimManual = desired(
    recordSet(`www.${ZONE}`, ["192.0.2.9"]),
    recordSet(`manual.${ZONE}`, ["192.0.2.9"]),
  );
  expect(await codeOf(apply("web", claimManual))).toMatch(
    /^E_DNS_NOT_OWNED: openstack1\/web: RecordSet\/manual-a: manual\.os\.example\.org\. A exists and is not this intent's \(no intentops ownership mark\)/,
  );
  expect(await codeOf(apply("web", desired(recordSet(`api.${ZONE}`, ["192.0.2.9"]))))).toMatch(
    /^E_DNS_NOT_OWNED: .*owned by openstack1\/api/,
  );
  expect(await dig(`www.${ZONE}`)).toEqual({ status: "NOERROR", answers: ["192.0.2.1", "192.0.2.2"] });
  expect((await dig(`manual.${ZONE}`)).answers).toEqual(["198.51.100.7"]);

  // A change, and a TXT record with spaces and quotes.
  const changed = await apply(
    "web",
    desired(recordSet(`www.${ZONE}`, ["192.0.2.3"]), recordSet(`www.${ZONE}`, ['v=1 "x"'], "TXT")),
  );
  expect(changed.map((e) => `${e.action} ${e.ref}`)).toEqual([
    "configured RecordSet/www-a",
    "created RecordSet/www-txt",
  ]);
  expect((await dig(`www.${ZONE}`)).answers).toEqual(["192.0.2.3"]);
  expect((await dig(`www.${ZONE}`, "TXT")).answers).toEqual(['"v=1 \\"x\\""']);

  // The intent's empty package (deleted): its records go, nobody else's.
  const removed = await apply("web", []);
  expect(removed.map((e) => `${e.action} ${e.ref}`)).toEqual([
    "deleted RecordSet/www-a",
    "deleted RecordSet/www-txt",
  ]);
  expect((await dig(`www.${ZONE}`)).status).toBe("NXDOMAIN");
  expect((await dig(`manual.${ZONE}`)).answers).toEqual(["198.51.100.7"]);
  expect((await dig(`api.${ZONE}`)).answers).toEqual(["192.0.2.50"]);
});

it("refuses a name outside every zone, a site without dns:, a wrong key, and a bad manifest", async () => {
  expect(await codeOf(apply("web", desired(recordSet("www.elsewhere.net", ["192.0.2.1"]))))).toMatch(
    /^E_DNS_NO_ZONE: .*no zone on the DNS server holds www\.elsewhere\.net\./,
  );
  const { dns: _, ...bare } = site;
  expect(await codeOf(apply("web", desired(recordSet(`www.${ZONE}`, ["192.0.2.1"])), bare as Site))).toMatch(
    /^E_SITE_CONFIG: .*has no dns: server/,
  );
  expect(await apply("web", [], bare as Site)).toEqual([]);
  process.env.INTENTOPS_TEST_WRONG_PDNS_KEY = "not-the-key-0123";
  const wrong = await codeOf(
    apply("web", desired(recordSet(`www.${ZONE}`, ["192.0.2.1"])), {
      ...site,
      dns: { provider: "powerdns", apiUrl: p.apiUrl, apiKey: { env: "INTENTOPS_TEST_WRONG_PDNS_KEY" } },
    }),
  );
  expect(wrong).toMatch(/^E_DNS_API: .*GET \/zones → 401/);
  expect(wrong).not.toContain("not-the-key-0123");
  expect(() =>
    desired({ ...recordSet("x", ["192.0.2.1"]), spec: { name: "x", type: "A", records: [] } }),
  ).toThrow(/RecordSet\/x-a: spec.name must be an absolute DNS name/);
  expect(() =>
    desired({
      ...recordSet(`x.${ZONE}`, ["192.0.2.1"]),
      spec: { name: `x.${ZONE}.`, type: "MX", records: ["a"] },
    }),
  ).toThrow(/spec.type must be one of A, AAAA, CNAME, TXT/);
  expect((await dig(`www.${ZONE}`)).status).toBe("NXDOMAIN");
});
