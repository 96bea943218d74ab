/**
 * The rendered digest of one package: canonical JSON of `relative path → sha256 of the file`. Render,
 * delivery trailers, the reconcilers' inventories and evidence all name a package by it, so there is one
 * computation of it.
 */
import { type Digest, digestBytes, digestJson } from "../../compiler/digest.js";

/** @example renderedDigestOf({ "Kptfile": "apiVersion: kpt.dev/v1\n…" }) // "sha256:…" */
export function renderedDigestOf(files: Readonly<Record<string, string | Uint8Array>>): Digest {
  const listing: Record<string, Digest> = {};
  for (const path of Object.keys(files).sort()) listing[path] = digestBytes(files[path]!);
  return digestJson(listing);
}
