/**
 * The delivery repository's owner table (pipeline/git/ownershipIndex.ts): claims read from the packages on
 * the branch, kept up to date incrementally as later commits move an intent's objects — one index asked
 * about successive heads answers as a fresh one does.
 */

import * as fs from "node:fs";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OwnershipClaim } from "../../functions/render/findOwnershipConflicts.js";
import { memoryIo } from "../../pipeline/cli/io.js";
import { runCli } from "../../pipeline/cli/main.js";
import { branchHead, openRepo } from "../../pipeline/git/openRepo.js";
import { createOwnershipIndex } from "../../pipeline/git/ownershipIndex.js";
import { INTENTS_DIR } from "../compiler/helpers.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "intentops-ownership-"));
  cpSync(INTENTS_DIR, join(dir, "intents"), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const io = memoryIo(dir);
  const code = await runCli(argv, io);
  expect(code, io.err()).toBe(0);
}

async function head() {
  const repo = await openRepo({ fs, dir: join(dir, "delivery.git"), init: false });
  return { repo, commit: await branchHead(repo, "refs/heads/main") };
}

const claim = (site: string, intentId: string, ...keys: string[]): OwnershipClaim => ({
  site,
  intentId,
  owned: keys.map((key) => ({ key, subject: key, kind: "", expectationIds: [] })),
});

describe("ownership in the delivery repository", () => {
  it("GIVEN successive heads THEN one index follows the packages as they change", async () => {
    const index = createOwnershipIndex();
    await cli("render");
    await cli("deliver", "edge-analytics", "--repo", "delivery.git");
    let { repo, commit } = await head();
    const ns = (name: string) => `|Namespace||${name}`;

    expect(await index.conflictsAt(repo, null, [claim("edge1", "other", ns("edge-analytics"))])).toEqual([]);
    const found = await index.conflictsAt(repo, commit, [
      claim("edge1", "other", ns("edge-analytics"), "apps|Deployment|edge-analytics|analytics", ns("free")),
      claim("edge2", "edge-analytics", ns("edge-analytics")),
      claim("openstack1", "other", ns("edge-analytics")),
    ]);
    expect(found.map((c) => [c.site, c.intentId, c.owner, c.object.key])).toEqual([
      ["edge1", "other", "edge-analytics", ns("edge-analytics")],
      ["edge1", "other", "edge-analytics", "apps|Deployment|edge-analytics|analytics"],
    ]);

    // The intent moves to another namespace, on edge1 only.
    const file = join(dir, "intents/edge-analytics.json");
    const intent = JSON.parse(readFileSync(file, "utf8"));
    const params = intent.expression.expressionValue["icm:hasExpectation"][0]["icm:params"];
    params["io:namespace"] = "moved";
    params["io:site"] = "edge1";
    writeFileSync(file, JSON.stringify(intent));
    await cli("render");
    await cli("deliver", "edge-analytics", "--repo", "delivery.git");
    ({ repo, commit } = await head());
    const claims = [
      claim("edge1", "other", ns("edge-analytics"), ns("moved")),
      claim("edge2", "other", ns("edge-analytics")),
    ];
    const after = await index.conflictsAt(repo, commit, claims);
    expect(after.map((c) => [c.site, c.object.key])).toEqual([["edge1", ns("moved")]]);
    expect(await createOwnershipIndex().conflictsAt(repo, commit, claims)).toEqual(after);
  });
});
