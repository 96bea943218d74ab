import { createHash } from "node:crypto";
import { stringifyCanonical } from "./canonicalJson.js";

/** A content digest in the form `sha256:<64 hex>`. */
export type Digest = `sha256:${string}`;

/** Digest of raw bytes or text (UTF-8). */
export function digestBytes(data: string | Uint8Array): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Digest of a JSON value through its canonical, compact serialisation: key order does not matter. */
export function digestJson(value: unknown): Digest {
  return digestBytes(stringifyCanonical(value, 0));
}

/** The first `length` hex characters of a digest, for names and labels. */
export function shortDigest(digest: Digest, length = 10): string {
  return digest.slice("sha256:".length, "sha256:".length + length);
}
