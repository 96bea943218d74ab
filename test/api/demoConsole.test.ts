/**
 * The demo's console (pipeline/demo/startDemoConsole.ts) on the real service and a real Git remote, without
 * the sandbox (the demo itself runs it on the sandbox): a fresh write key and read key in a mode-600 file,
 * the console page and the API answering them with their scopes, the delivery remote under the work
 * directory, and nothing listening after stop.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoConsole, startDemoConsole } from "../../pipeline/demo/startDemoConsole.js";
import { gitCli } from "../support/gitHttpServer.js";
import { gitDeps } from "./serveHarness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let work: string;
let demo: DemoConsole;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "intentops-democonsole-"));
  await mkdir(join(work, "intents"), { recursive: true });
  await copyFile(join(ROOT, "intents", "sites.yaml"), join(work, "intents", "sites.yaml"));
  demo = await startDemoConsole({
    work,
    sites: join(work, "intents", "sites.yaml"),
    repository: join(work, "delivery.git"),
    git: gitDeps(),
  });
}, 60_000);
afterAll(async () => {
  await demo?.stop().catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

async function keys(): Promise<{ write: string; read: string }> {
  const text = await readFile(demo.keysFile, "utf8");
  const write = /^write key: (\S+)$/m.exec(text)?.[1];
  const read = /^read key: +(\S+)$/m.exec(text)?.[1];
  if (!write || !read) throw new Error(`unexpected keys file:\n${text}`);
  return { write, read };
}

describe("the demo's console", () => {
  it("writes two fresh keys to a file only its owner can read", async () => {
    expect(demo.keysFile).toBe(join(work, "console-keys.txt"));
    expect((await stat(demo.keysFile)).mode & 0o777).toBe(0o600);
    const { write, read } = await keys();
    expect(write).not.toBe(read);
    expect(write.length).toBeGreaterThanOrEqual(32);
  });

  it("serves the console at the printed URL, and the API knows each key's scope", async () => {
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\/$/);
    const page = await fetch(demo.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="importmap">');
    const base = demo.url.replace(/\/console\/$/, "");
    const { write, read } = await keys();
    const who = async (key: string) =>
      (await fetch(`${base}/api/whoami`, { headers: { "x-api-key": key } })).json();
    expect(await who(write)).toMatchObject({ keyId: "demo-operator", scopes: ["write"] });
    expect(await who(read)).toMatchObject({ keyId: "demo-viewer", scopes: ["read"] });
    const refused = await fetch(`${base}/api/intent`, {
      method: "POST",
      headers: { "x-api-key": read, "content-type": "application/json" },
      body: "{}",
    });
    expect(refused.status).toBe(403);
  });

  it("delivers to a bare repository under the work directory, served over smart HTTP", async () => {
    expect(demo.remoteRepository).toBe(join(work, "remote", "delivery.git"));
    expect((await gitCli(["rev-parse", "--is-bare-repository"], demo.remoteRepository)).trim()).toBe("true");
  });

  it("stop closes the console and the remote", async () => {
    await demo.stop();
    await expect(fetch(demo.url)).rejects.toThrow();
  });
});
