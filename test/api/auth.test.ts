/**
 * Authentication and authorisation: no key → 401, an unknown key → 401, a read key on a write → 403, a
 * write key on a read → 200, more requests than the per-key limit → 429 with Retry-After (another key is
 * not limited by it), and the keys file holds hashes only. Nothing is written for a refused request.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyRingFrom } from "../../pipeline/api/apiKeys.js";
import { gitCli } from "../support/gitHttpServer.js";
import { checkResponse } from "./contractCheck.js";
import { type Harness, KEYS, officialExample, startHarness } from "./serveHarness.js";

const BASE = "/tmf-api/intentManagement/v5";
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ limits: { rateMax: 5, rateWindowMs: 60_000 } });
}, 120_000);
afterAll(async () => h?.stop());

async function inject(method: "GET" | "POST", url: string, key?: string, payload?: unknown) {
  const res = await h.serving.app.inject({
    method,
    url,
    headers: key ? { "x-api-key": key } : {},
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
  checkResponse({
    method,
    path: url,
    status: res.statusCode,
    body: res.body,
    contentType: res.headers["content-type"] as string,
  });
  return res;
}

describe("API keys", () => {
  it("refuses a request without a key, with an unknown key, and a write with a read key", async () => {
    const none = await inject("GET", `${BASE}/intent`);
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe("E_UNAUTHENTICATED");
    expect(none.headers["www-authenticate"]).toContain("Bearer");
    expect((await inject("GET", `${BASE}/intent`, "not-a-configured-key")).statusCode).toBe(401);
    const bearer = await h.serving.app.inject({
      method: "GET",
      url: `${BASE}/intent`,
      headers: { authorization: `Bearer ${KEYS.reader}` },
    });
    expect(bearer.statusCode).toBe(200);
    const forbidden = await inject(
      "POST",
      `${BASE}/intent`,
      KEYS.reader,
      officialExample("Intent_create_example_01_request"),
    );
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe("E_FORBIDDEN");
    expect(forbidden.body).not.toContain(KEYS.reader);
    // nothing was written for the refused requests
    expect(await gitCli(["for-each-ref"], h.bare)).toBe("");
    expect(await readFile(join(h.work, ".intentops", "intake.jsonl"), "utf8")).toBe("");
  });

  it("limits each key's rate: 429 with Retry-After, other keys unaffected", async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof inject>> | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await inject("GET", `${BASE}/intent`, KEYS.admin);
      statuses.push(res.statusCode);
      if (res.statusCode === 429) limited = res;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(Number(limited!.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited!.json().code).toBe("E_RATE_LIMIT");
    expect((await inject("GET", `${BASE}/intent`, KEYS.writer)).statusCode).toBe(200);
    // health stays reachable for probes
    expect((await inject("GET", "/health")).statusCode).toBe(200);
  });

  it("keeps only hashes: the keys file holds no key, and a ring refuses short env keys and bad hashes", async () => {
    const text = await readFile(h.keysFile, "utf8");
    for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
    expect(() => keyRingFrom({ keys: [{ id: "a", scopes: ["read"], sha256: "xyz" }] }, {})).toThrow(
      /keys\/0\/sha256/,
    );
    expect(() => keyRingFrom({ keys: [{ id: "a", scopes: ["read"], env: "K" }] }, { K: "short" })).toThrow(
      /keys\/0\/env/,
    );
    expect(() => keyRingFrom({ keys: [{ id: "a", scopes: ["root"], env: "K" }] }, {})).toThrow(
      /keys\/0\/scopes/,
    );
    const ring = keyRingFrom(
      { keys: [{ id: "ops", scopes: ["admin"], env: "OPS_KEY" }] },
      { OPS_KEY: "0123456789abcdefXYZ" },
    );
    expect(ring.verify("0123456789abcdefXYZ")?.keyId).toBe("ops");
    expect(ring.verify("0123456789abcdefXYz")).toBeUndefined();
  });
});
