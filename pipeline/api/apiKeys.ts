/**
 * API keys: only their SHA-256 hashes are held (keys are long random strings, so a fast hash suffices and
 * a slow one would cost every request), compared in constant time against every configured key so the
 * time taken says nothing about which key was close. Keys come from a file listing hashes, or from
 * environment variables that hold the key itself (hashed on load, the value not kept).
 *
 * File (YAML or JSON):
 *   keys:
 *     - id: ci                       # names the key in logs, metrics and commit trailers
 *       name: CI Bot                 # commit author name (default: the id)
 *       email: ci@example.org        # commit author email (default: <id>@intentops.local)
 *       scopes: [read, write]        # read ⊂ write ⊂ admin
 *       sha256: 9f86d0…              # hex SHA-256 of the key
 *     - id: ops
 *       scopes: [admin]
 *       env: OPS_API_KEY             # or: the key is in this environment variable
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { IntentopsError } from "../../compiler/errors.js";

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyIdentity {
  keyId: string;
  name: string;
  email: string;
  scopes: ReadonlySet<Scope>;
}

interface HeldKey extends ApiKeyIdentity {
  hash: Buffer;
}

export interface ApiKeyRing {
  /** The identity of the key presented, or undefined. */
  verify(presented: string): ApiKeyIdentity | undefined;
  size: number;
}

/** Hex SHA-256 of a key, as written in the keys file. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Whether `identity` may act with `needed` (admin covers write covers read). */
export function allows(identity: ApiKeyIdentity, needed: Scope): boolean {
  const rank = SCOPES.indexOf(needed);
  return [...identity.scopes].some((s) => SCOPES.indexOf(s) >= rank);
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Builds the ring from the parsed keys document; every problem names the entry (`keys/2/sha256`). */
export function keyRingFrom(doc: unknown, env: Readonly<Record<string, string | undefined>>): ApiKeyRing {
  const list = (doc as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new IntentopsError("E_USAGE_KEYS", "the API keys file must list at least one key under `keys`");
  }
  const held: HeldKey[] = [];
  list.forEach((raw: Record<string, unknown>, i) => {
    const at = `keys/${i}`;
    const fail = (field: string, why: string) => {
      throw new IntentopsError("E_USAGE_KEYS", `${at}/${field}: ${why}`);
    };
    if (typeof raw?.id !== "string" || !ID.test(raw.id)) fail("id", "a short name of letters, digits, . _ -");
    const id = raw.id as string;
    const scopes = raw.scopes;
    if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some((s) => !SCOPES.includes(s as Scope))) {
      fail("scopes", `a list of ${SCOPES.join(", ")}`);
    }
    let hash: Buffer | undefined;
    if (typeof raw.sha256 === "string") {
      if (!/^[0-9a-f]{64}$/.test(raw.sha256)) fail("sha256", "64 lowercase hex digits (sha256 of the key)");
      hash = Buffer.from(raw.sha256, "hex");
    } else if (typeof raw.env === "string") {
      const value = env[raw.env];
      if (!value || value.length < 16)
        fail("env", `environment variable ${raw.env} must hold a key of 16+ characters`);
      hash = Buffer.from(hashApiKey(value!), "hex");
    } else fail("sha256", "give sha256 (the key's hash) or env (a variable holding the key)");
    if (held.some((k) => k.keyId === id)) fail("id", `${id} is listed twice`);
    held.push({
      keyId: id,
      name: typeof raw.name === "string" ? raw.name : id,
      email: typeof raw.email === "string" ? raw.email : `${id}@intentops.local`,
      scopes: new Set(scopes as Scope[]),
      hash: hash!,
    });
  });
  return {
    size: held.length,
    verify(presented) {
      const digest = createHash("sha256").update(presented, "utf8").digest();
      let found: HeldKey | undefined;
      // Every key is compared, match or not: no early exit.
      for (const key of held) if (timingSafeEqual(digest, key.hash) && !found) found = key;
      if (!found) return undefined;
      const { hash: _hash, ...identity } = found;
      return identity;
    },
  };
}

/** Reads the keys file at `path`. */
export async function loadApiKeys(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ApiKeyRing> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new IntentopsError(
      "E_USAGE_KEYS",
      `cannot read the API keys file ${path}: ${error.code ?? error.message}`,
    );
  });
  return keyRingFrom(parse(text), env);
}
