/**
 * Ansible configuration of an intent's servers: `intentops openstack configure` builds the inventory from
 * the live servers (one group per tier, each host at its fixed IP) and runs Debian's `ansible-playbook`
 * against a network namespace that answers SSH at those addresses (the sandbox boots no real VMs). The
 * playbook writes one file per host; the command's JSON result is the per-host recap, also recorded in the
 * state directory.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedAddresses } from "../../pipeline/openstack/compute/servers/results.js";
import { configureLogPath } from "../../pipeline/openstack/recordConfigureResult.js";
import { readLiveStack } from "../../pipeline/openstack/stack/readLiveStack.js";
import { type Fixture, openFixture } from "./support/openStackFixture.js";
import { type SshTarget, startSshTarget } from "./support/sshTarget.js";
import { INTENT_ID, webAppStackObjects } from "./support/webAppStack.js";

const ROOT = join(import.meta.dirname, "../..");
let f: Fixture;
let target: SshTarget | undefined;

beforeAll(async () => {
  f = await openFixture();
  const created = await f.apply(await webAppStackObjects({ web: { count: 2 }, app: { count: 1 } }));
  expect(created.intents[0]?.result).toBe("success");
});

afterAll(async () => {
  await target?.stop();
  const deleted = await f.apply([]);
  expect(deleted.intents[0]?.result).toBe("success");
});

describe("configure with Ansible", () => {
  it("runs the playbook against every server of the intent and reports each host's recap", async () => {
    const live = await readLiveStack(f.user(), { site: "openstack1", intentId: INTENT_ID });
    const addresses = live.servers.map((s) => fixedAddresses(s.resource)[0]!).sort();
    expect(addresses).toHaveLength(4);
    target = await startSshTarget(addresses);
    const out = await mkdtemp(join(tmpdir(), "intentops-configured-"));
    const playbook = join(target.dir, "site.yml");
    await writeFile(
      playbook,
      [
        "- hosts: all",
        "  gather_facts: false",
        "  tasks:",
        "    - name: write what the host is",
        "      ansible.builtin.copy:",
        `        dest: "${out}/{{ inventory_hostname }}"`,
        "        content: \"{{ inventory_hostname }} {{ ansible_host }} {{ group_names | join(',') }}\\n\"",
        "",
      ].join("\n"),
    );
    const result = spawnSync(
      process.execPath,
      [
        join(ROOT, "dist", "pipeline", "cli", "main.js"),
        "openstack",
        "configure",
        INTENT_ID,
        "--site",
        "openstack1",
        "--sites",
        f.sandbox.layout.sitesFile,
        "--work",
        target.dir,
        "--playbook",
        playbook,
        "--private-key",
        target.privateKey,
        "--state-dir",
        join(target.dir, "state"),
        "--json",
      ],
      { encoding: "utf8", timeout: 600_000 },
    );
    expect(result.status, result.stderr + result.stdout).toBe(0);
    const recap = JSON.parse(result.stdout) as {
      ok: boolean;
      hosts: Array<{ name: string; tier: string; address: string }>;
      stats: Record<string, { ok: number; changed: number; failures: number; unreachable: number }>;
    };
    expect(recap.ok).toBe(true);
    expect(recap.hosts.map((h) => [h.name, h.tier])).toEqual([
      ["shop-app-0", "app"],
      ["shop-db-0", "db"],
      ["shop-web-0", "web"],
      ["shop-web-1", "web"],
    ]);
    for (const host of ["shop-app-0", "shop-db-0", "shop-web-0", "shop-web-1"]) {
      expect(recap.stats[host]).toMatchObject({ changed: 1, failures: 0, unreachable: 0 });
    }
    expect((await readdir(out)).sort()).toEqual(["shop-app-0", "shop-db-0", "shop-web-0", "shop-web-1"]);
    const web0 = recap.hosts.find((h) => h.name === "shop-web-0")!;
    expect(await readFile(join(out, "shop-web-0"), "utf8")).toBe(`shop-web-0 ${web0.address} web\n`);
    // The result is recorded beside the saga journal, as printed.
    const recorded = (
      await readFile(configureLogPath(join(target.dir, "state"), "openstack1", INTENT_ID), "utf8")
    )
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as typeof recap & { recordedAt: string });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ ok: true, hosts: recap.hosts, stats: recap.stats });
  });
});
