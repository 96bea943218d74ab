/**
 * `verifyOpenStackSite` when an OpenStack site's status cannot be read (its Keystone is a loopback port nobody
 * listens on) or there is nothing to measure: every evaluation is a sample without a value that says why,
 * and the verdict is inconclusive — never a pass. (Not yet wired into `intentops run`'s Verifying phase.)
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { compileIntent } from "../../compiler/compileIntent.js";
import { deriveSloPolicy } from "../../functions/slo/deriveSloPolicy.js";
import { shortWindowOverrides } from "../../functions/slo/shortWindowOverrides.js";
import { createOpenStackClient } from "../../pipeline/openstack/client/createOpenStackClient.js";
import { readDesiredStack } from "../../pipeline/openstack/stack/readDesiredStack.js";
import { verifyOpenStackSite } from "../../pipeline/openstack/verifyOpenStackSite.js";
import { repositoryRegistry, webAppStackIntent, webAppStackObjects } from "./support/webAppStack.js";

/** A loopback port that was free a moment ago: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("verifyOpenStackSite on its own", () => {
  const realDeps = {
    clock: () => new Date(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
  async function policyAndClient() {
    const port = await closedPort();
    const compiled = await compileIntent(await webAppStackIntent(), await repositoryRegistry());
    const policy = deriveSloPolicy(compiled, "openstack1", shortWindowOverrides(3));
    const client = createOpenStackClient({
      authUrl: `http://127.0.0.1:${port}/v3`,
      region: "RegionOne",
      auth: { method: "password", userName: "u", password: "p", projectName: "p" },
      attempts: 1,
    });
    return { policy, client, authUrl: `http://127.0.0.1:${port}/v3` };
  }

  it("an unreadable site: every sample without a value, inconclusive", async () => {
    const { policy, client, authUrl } = await policyAndClient();
    const desired = readDesiredStack(await webAppStackObjects());
    const { decision, evidence } = await verifyOpenStackSite({
      policy,
      desired,
      client,
      authUrl,
      deps: realDeps,
    });
    expect(decision.overall.decision).toBe("inconclusive");
    expect(evidence.evaluations).toBeGreaterThanOrEqual(2);
    expect(
      evidence.targets[0]?.samples.every((s) => s.raw === undefined && /UNREACHABLE/.test(s.note ?? "")),
    ).toBe(true);
  });

  it("a stack with nothing to measure: inconclusive, never a pass", async () => {
    const { policy, client, authUrl } = await policyAndClient();
    const desired = readDesiredStack([]);
    const { decision, evidence } = await verifyOpenStackSite({
      policy,
      desired,
      client,
      authUrl,
      deps: realDeps,
    });
    expect(decision.overall.decision).toBe("inconclusive");
    expect(evidence.targets[0]?.samples[0]?.note).toBe(
      "no data: the rendered stack has no resources to measure",
    );
  });
});
