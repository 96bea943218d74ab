/**
 * The push (sendPack): what it sends and how the remote's answers are read, against the real
 * `git http-backend`. A push of a one-package change sends that change's objects only — as many at 40
 * packages as at 400 — and the remote's refusals sort into "the branch moved" (rebuild and retry) and
 * failures (E_REMOTE, naming the URL, never the credentials).
 */
import * as nodeFs from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GitHttpRequest, GitHttpResponse, HttpClient } from "isomorphic-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverIntent } from "../../pipeline/git/deliverIntent.js";
import { type GitHttpServer, gitCli, gitEnv, startGitHttpServer } from "../support/gitHttpServer.js";
import { bearer, cleanupTempDirs, deployment, intentDelivery, pinnedDeps, tempDir } from "./helpers.js";

const TOKEN = "push-token-5a4b3c";
let server: GitHttpServer;
let guarded: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer();
  guarded = await startGitHttpServer({ token: TOKEN });
});
afterAll(async () => {
  await server?.close();
  await guarded?.close();
  await cleanupTempDirs();
});

const isPush = (req: GitHttpRequest) => req.method === "POST" && req.url.endsWith("/git-receive-pack");

/** An HTTP client that records the body of every push request and the remote's reply to it. */
function recordingHttp(http: HttpClient) {
  const pushes: Array<{ body: Buffer; reply: string }> = [];
  const client: HttpClient = {
    async request(req) {
      if (!isPush(req)) return http.request(req);
      const body = await bytesOf(req.body);
      const res = await http.request({
        ...req,
        body: [body] as unknown as AsyncIterableIterator<Uint8Array>,
      });
      const reply = await bytesOf(res.body);
      pushes.push({ body, reply: reply.toString("utf8") });
      return { ...res, body: once(reply) };
    },
  };
  return { client, pushes };
}

async function bytesOf(body: Iterable<Uint8Array> | AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body ?? []) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function* once(bytes: Uint8Array) {
  yield bytes;
}

/** node:fs with a count of the loose objects read through it. */
function countingObjectReads() {
  let count = 0;
  const readFile = ((path: string, options?: unknown) => {
    if (String(path).includes("/objects/")) count++;
    return nodeFs.promises.readFile(path, options as undefined);
  }) as typeof nodeFs.promises.readFile;
  return { fs: { promises: { ...nodeFs.promises, readFile } }, reads: () => count };
}

/** The ids of the objects in the pack a push request carries (after its commands and flush), by `git`. */
async function objectsInPack(body: Buffer): Promise<string[]> {
  let offset = 0;
  while (body.subarray(offset, offset + 4).toString("latin1") !== "0000")
    offset += Number.parseInt(body.subarray(offset, offset + 4).toString("latin1"), 16);
  const dir = await tempDir();
  const pack = join(dir, "sent.pack");
  await writeFile(pack, body.subarray(offset + 4));
  await gitCli(["index-pack", pack], dir);
  const listing = await gitCli(["verify-pack", "-v", join(dir, "sent.idx")], dir);
  return listing
    .split("\n")
    .filter((l) => /^[0-9a-f]{40} /.test(l))
    .map((l) => l.slice(0, 40))
    .sort();
}

/** The objects `git` says `to` needs that `from` lacks, on the remote. */
async function revListObjects(bare: string, range: string[]): Promise<string[]> {
  const out = await gitCli(["rev-list", "--objects", ...range], bare);
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(0, 40))
    .sort();
}

/** A work tree whose `main` holds `size` packages (committed by the git CLI), pushed to a new remote repo. */
async function seeded(name: string, size: number): Promise<{ dir: string; remote: string; bare: string }> {
  const dir = await tempDir();
  const env = gitEnv(dir);
  await gitCli(["init", "-q", "-b", "main", dir], dir, env);
  for (let i = 0; i < size; i++) {
    const pkg = join(dir, "rendered/edge1", `seed-${i}`);
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, "d.yaml"), deployment(`seed-${i}`, 1));
    await writeFile(join(pkg, "Kptfile"), `name: seed-${i}\n`);
  }
  await gitCli(["add", "-A"], dir, env);
  await gitCli(["commit", "-q", "-m", `${size} packages`], dir, env);
  const remote = await server.createRepo(name);
  await gitCli(["push", "-q", remote, "main"], dir, env);
  return { dir, remote, bare: server.repoPath(name) };
}

const one = (dir: string, id: string, remote: string) =>
  intentDelivery(dir, id, ["edge1"], { "d.yaml": deployment(id, 2) }, 1, { remote });

describe("sendPack: what a push sends", () => {
  it("GIVEN a branch of many packages WHEN one is delivered THEN the remote takes it whole (fsck) and only its objects were sent", async () => {
    const counts: number[] = [];
    const objectReads: number[] = [];
    for (const size of [40, 400]) {
      const { dir, remote, bare } = await seeded(`many-${size}`, size);
      const before = (await gitCli(["rev-parse", "main"], bare)).trim();
      const { client, pushes } = recordingHttp(pinnedDeps().http!);
      const { fs, reads } = countingObjectReads();
      const out = await deliverIntent(one(dir, "fresh", remote), pinnedDeps({ fs, http: client }));
      expect(out.pushed).toBe(true);
      objectReads.push(reads());
      expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(out.commit);
      await gitCli(["fsck", "--full", "--strict"], bare);
      expect(pushes).toHaveLength(1);
      const sent = await objectsInPack(pushes[0]!.body);
      // Exactly what the new commit has that the old head lacks: no more (no repository walk), no less.
      expect(sent).toEqual(await revListObjects(bare, [out.commit!, `^${before}`]));
      expect(pushes[0]!.body.subarray(4, 85).toString("latin1")).toBe(`${before} ${out.commit}`);
      counts.push(sent.length);
    }
    // commit, root, intents/, the intent file, rendered/, edge1/, the package's tree and its file.
    expect(counts).toEqual([8, 8]);
    // The whole delivery (commit and push) reads as many objects at 400 packages as at 40: no walk of the
    // repository (with isomorphic-git's git.push: 111 at 40 packages, 831 at 400).
    expect(objectReads[1]).toBe(objectReads[0]);
  });

  it("GIVEN a remote without the branch WHEN pushed THEN everything reachable is sent, from the zero id", async () => {
    const dir = await tempDir();
    // Two local commits first (no remote), then the first push carries both.
    await deliverIntent(one(dir, "local", ""), pinnedDeps());
    const remote = await server.createRepo("new-branch");
    const { client, pushes } = recordingHttp(pinnedDeps().http!);
    const out = await deliverIntent(one(dir, "pushed", remote), pinnedDeps({ http: client }));
    const bare = server.repoPath("new-branch");
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(out.commit);
    expect(await gitCli(["rev-list", "--count", "main"], bare)).toBe("2\n");
    await gitCli(["fsck", "--full", "--strict"], bare);
    expect(pushes[0]!.body.subarray(4, 44).toString("latin1")).toBe("0".repeat(40));
    expect(await objectsInPack(pushes[0]!.body)).toEqual(await revListObjects(bare, ["main"]));
  });
});

describe("sendPack: the remote's answers", () => {
  it("GIVEN another writer pushes between our fetch and our push THEN the refusal is a rejection: rebuilt, retried, both land", async () => {
    const { dir, remote, bare } = await seeded("moved", 5);
    const other = await tempDir();
    const env = gitEnv(other);
    await gitCli(["clone", "-q", remote, other], other, env);
    const { client: recording, pushes } = recordingHttp(pinnedDeps().http!);
    let moved = false;
    const client: HttpClient = {
      async request(req) {
        if (isPush(req) && !moved) {
          moved = true;
          await writeFile(join(other, "other.txt"), "someone else\n");
          await gitCli(["add", "-A"], other, env);
          await gitCli(["commit", "-q", "-m", "other writer"], other, env);
          await gitCli(["push", "-q", "origin", "main"], other, env);
        }
        return recording.request(req);
      },
    };
    const out = await deliverIntent(one(dir, "mine", remote), pinnedDeps({ http: client }));
    // http-backend refuses with HTTP 200 and an `ng` line for the ref.
    expect(pushes[0]!.reply).toContain("ng refs/heads/main failed to update ref");
    expect(out.attempts).toBe(2);
    expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(out.commit);
    expect(await gitCli(["log", "--format=%s", "main"], bare)).toContain("other writer");
    const files = await gitCli(["ls-tree", "-r", "--name-only", "main"], bare);
    expect(files).toContain("other.txt");
    expect(files).toContain("rendered/edge1/mine/d.yaml");
    await gitCli(["fsck", "--full", "--strict"], bare);
  });

  it.each([
    [401, "Unauthorized"],
    [403, "Forbidden"],
  ])(
    "GIVEN the remote answers the push with %i THEN E_REMOTE names the URL and status, not the token, and nothing moves",
    async (status, text) => {
      const remote = await guarded.createRepo(`refused-${status}`);
      const dir = await tempDir();
      const deps = pinnedDeps({ credentials: bearer(TOKEN) });
      const first = await deliverIntent(one(dir, "first", remote), deps);
      let attempts = 0;
      const client: HttpClient = {
        async request(req): Promise<GitHttpResponse> {
          if (!isPush(req)) return deps.http!.request(req);
          attempts++;
          if (status === 401) {
            // A real refusal: the push goes out without its credentials.
            const { Authorization: _, ...headers } = req.headers ?? {};
            return deps.http!.request({ ...req, headers });
          }
          return {
            url: req.url,
            method: "POST",
            statusCode: status,
            statusMessage: text,
            headers: {},
            body: once(Buffer.from("no\n")),
          };
        },
      };
      const error = await deliverIntent(one(dir, "second", remote), { ...deps, http: client }).catch(
        (e: unknown) => e as Error & { code: string },
      );
      expect(error).toMatchObject({ code: "E_REMOTE" });
      expect(error.message).toContain(`${remote} failed: HTTP ${status}`);
      expect(error.message).not.toContain(TOKEN);
      expect(attempts).toBe(1);
      const bare = guarded.repoPath(`refused-${status}`);
      expect((await gitCli(["rev-parse", "main"], bare)).trim()).toBe(first.commit);
      // The local branch only moves once the remote took the commit.
      expect((await gitCli(["rev-parse", "main"], dir)).trim()).toBe(first.commit);
    },
  );

  it("GIVEN the remote refuses the ref for another reason (a hook) THEN E_REMOTE at once, not a retry", async () => {
    const { dir, remote, bare } = await seeded("hooked", 3);
    const hook = join(bare, "hooks/pre-receive");
    await writeFile(hook, "#!/bin/sh\necho 'frozen' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    const { client, pushes } = recordingHttp(pinnedDeps().http!);
    const error = await deliverIntent(one(dir, "blocked", remote), pinnedDeps({ http: client })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "E_REMOTE" });
    expect(String((error as Error).message)).toContain("pre-receive hook declined");
    expect(pushes).toHaveLength(1);
  });
});
