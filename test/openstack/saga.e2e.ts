/**
 * The saga guarantees on the real OpenStack sandbox: a quota set low makes a create fail → everything the
 * run made is removed in reverse order and the outcome says so; a server forced to ERROR (reset by the
 * admin, as an operator or a failing hypervisor would) → compensation; the user's token past its expiry,
 * then revoked, mid-run → the client authenticates again each time and the run completes; the application credential authenticates too.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOpenStackClient } from "../../pipeline/openstack/client/createOpenStackClient.js";
import { listServers, resetServerState } from "../../pipeline/openstack/compute/servers/requests.js";
import { readSaga } from "../../pipeline/openstack/saga/sagaStore.js";
import { readLiveStack } from "../../pipeline/openstack/stack/readLiveStack.js";
import { countByName, type Fixture, openFixture } from "./support/openStackFixture.js";
import { INTENT_ID, webAppStackObjects } from "./support/webAppStack.js";

/** One server per tier: what the saga cases need, in a third of the full stack's time. */
const SMALL = { web: { count: 1 }, app: { count: 1 } };
let f: Fixture;
beforeAll(async () => {
  f = await openFixture();
});

const nothingOfOurs = async () => {
  const live = await readLiveStack(f.user(), { site: "openstack1" });
  return Object.values(live)
    .flat()
    .map((r) => (r as { ref: string }).ref);
};

async function setInstanceQuota(instances: number) {
  await f.admin.request("compute", "PUT", `/os-quota-sets/${f.sandbox.user.projectId}`, {
    body: { quota_set: { instances } },
  });
}

describe("saga on the OpenStack sandbox", () => {
  afterEach(async () => {
    await setInstanceQuota(-1);
    // Whatever a case left (nothing, when it passes) goes, so the next case starts from an empty project.
    await f.apply([]);
  });

  it("GIVEN an instance quota of 2 WHEN a 3-server stack is created THEN the saga compensates everything and reports the quota error", async () => {
    await setInstanceQuota(2);
    const outcome = await f.apply(await webAppStackObjects(SMALL));
    const intent = outcome.intents[0]!;
    expect(intent.result).toBe("failure");
    expect(intent.error?.code).toBe("E_OPENSTACK_HTTP");
    expect(intent.error?.message).toMatch(/[Qq]uota exceeded/);
    expect(intent.saga?.status).toBe("compensated");
    expect(intent.saga?.compensated).toEqual(
      expect.arrayContaining(["create Network/shop-net", "create Server/shop-app-0"]),
    );
    expect(intent.changeSet.filter((e) => e.action === "failed").map((e) => e.ref)).toHaveLength(1);
    const saga = await readSaga(f.stateDir, "openstack1", INTENT_ID);
    const order = saga!.steps.filter((s) => s.status === "compensated").map((s) => s.id);
    // Compensated in reverse: the last done step first (finishedAt is written in that order).
    const finished = saga!.steps
      .filter((s) => s.status === "compensated")
      .sort((a, b) => (a.finishedAt! < b.finishedAt! ? -1 : 1))
      .map((s) => s.id);
    expect(finished[0]).toBe(order[order.length - 1]);
    expect(finished[finished.length - 1]).toBe("create Network/shop-net");
    expect(await nothingOfOurs()).toEqual([]);
    expect(await countByName(f.user())).toEqual({ servers: [], ports: [], volumes: [], networks: [] });
  });

  it("GIVEN a server the admin resets to ERROR during the create THEN the run fails its health check and compensates", async () => {
    const outcome = await f.apply(await webAppStackObjects(SMALL), {
      checkpoint: async (point) => {
        if (point !== "after:create Server/shop-app-0") return;
        // The tenant finds its server; the admin (another project) resets its state.
        const [server] = await listServers(f.user(), { name: "shop-app-0" });
        await resetServerState(f.admin, server!.id, "error");
      },
    });
    const intent = outcome.intents[0]!;
    expect(intent.result).toBe("failure");
    expect(intent.error?.code).toBe("E_HEALTH");
    expect(intent.error?.message).toContain("Server/shop-app-0 Failed");
    expect(intent.saga?.status).toBe("compensated");
    expect(await nothingOfOurs()).toEqual([]);
  });

  it("GIVEN the user's token expires, then is revoked, mid-run THEN the client authenticates again each time and the run completes", async () => {
    const reasons: string[] = [];
    // The client's clock, moved past the token's expires_at (Keystone's 1 h) mid-run, and back once the
    // client took a new token (otherwise every later token would look expired too).
    let skewMs = 0;
    const client = f.user({
      onAuthenticate: (reason) => {
        reasons.push(reason);
        if (reason === "expired") skewMs = 0;
      },
      now: () => Date.now() + skewMs,
    });
    let revoked = false;
    const outcome = await f.apply(await webAppStackObjects(SMALL), {
      client,
      checkpoint: async (point) => {
        if (point === "after:create Network/shop-net") {
          const { expiresAt } = await client.token();
          skewMs = expiresAt - Date.now() + 1000;
        }
        if (revoked || point !== "after:create Subnet/shop-web") return;
        revoked = true;
        const token = (await client.token()).token;
        await f.admin.request("identity", "DELETE", "/auth/tokens", {
          headers: { "x-subject-token": token },
          ok: [204],
        });
      },
    });
    expect(outcome.intents[0]?.error).toBeUndefined();
    expect(outcome.intents[0]?.result).toBe("success");
    expect(revoked).toBe(true);
    expect(reasons).toEqual(["initial", "expired", "unauthorized"]);
  });

  it("authenticates with the application credential (scoped to the intentops project)", async () => {
    const client = createOpenStackClient({
      authUrl: f.sandbox.authUrl,
      region: f.sandbox.region,
      auth: { method: "application_credential", ...f.sandbox.applicationCredential },
    });
    const token = await client.token();
    expect(token.projectId).toBe(f.sandbox.user.projectId);
    expect(token.userId).toBe(f.sandbox.user.userId);
    expect(Array.isArray(await listServers(client))).toBe(true);
  });
});
