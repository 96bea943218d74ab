/**
 * packageAt reads one intent's package of a site from a commit, and gives what packagesAt (every package
 * of the site) gives for that intent — objects and rendered digest — without reading the others.
 */
import fs from "node:fs";
import { afterAll, expect, it } from "vitest";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import { openRepo } from "../../pipeline/git/openRepo.js";
import { packageAt, packagesAt } from "../../pipeline/reconcile/syncFromGit.js";
import { cleanupTempDirs, deployment, intentDelivery, pinnedDeps, tempDir } from "../git/helpers.js";

afterAll(cleanupTempDirs);

it("one intent's package, the same as packagesAt's; undefined where the site has none", async () => {
  const dir = await tempDir();
  const deliver = (id: string, sites: string[], replicas: number) =>
    deliverIntent(
      intentDelivery(dir, id, sites, {
        "deployment.yaml": deployment(id, replicas),
        "b/c.yaml": deployment(`${id}-c`, 1),
      }),
      pinnedDeps(),
    );
  await deliver("alpha", ["edge1"], 2);
  await deliver("beta", ["edge1", "edge2"], 3);
  const { commit } = await deliver("gamma", ["edge2"], 1);
  const repo = await openRepo({ fs, dir, init: false });

  const all = await packagesAt(repo, commit!, "edge1");
  expect(all.map((p) => p.intentId)).toEqual(["alpha", "beta"]);
  for (const id of ["alpha", "beta"]) {
    const one = await packageAt(repo, commit!, "edge1", id);
    expect(one).toEqual(all.find((p) => p.intentId === id));
    expect(one!.objects.length).toBeGreaterThan(1);
  }
  expect(await packageAt(repo, commit!, "edge1", "gamma")).toBeUndefined();
  expect(await packageAt(repo, commit!, "edge3", "alpha")).toBeUndefined();
  expect((await packageAt(repo, commit!, "edge2", "gamma"))?.intentId).toBe("gamma");
});
