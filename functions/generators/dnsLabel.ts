/**
 * Object names derived from identity, within the 63-character DNS-1123 label limit.
 *
 * Rule (the same everywhere): parts are joined with `-`, lower-cased, every character outside `[a-z0-9-]`
 * becomes `-`, runs of `-` collapse and leading/trailing `-` are dropped. If the result is longer than the
 * limit it is cut to `limit - 9` characters and `-<8 hex>` is appended, the hex being the start of the
 * SHA-256 of the whole untruncated name, so two long names that share a prefix still differ and the same
 * identity always gives the same name.
 */
import { digestBytes, shortDigest } from "../../compiler/digest.js";

/** Longest DNS-1123 label (RFC 1123), which Kubernetes uses for most names and all label values. */
export const DNS_LABEL_MAX = 63;
/** Hex characters of the hash appended to a truncated name. */
export const NAME_HASH_LENGTH = 8;

function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * A DNS-1123 label built from `parts`, at most `maxLength` (default 63) characters.
 *
 * @example dnsLabel(["shop", "web"]) === "shop-web"
 * @example dnsLabel(["a".repeat(70)]).length === 63 // "aaa…a-<8 hex>"
 */
export function dnsLabel(parts: readonly string[], maxLength = DNS_LABEL_MAX): string {
  const full = sanitize(parts.filter((p) => p.length > 0).join("-"));
  // A name made only of punctuation still needs a stable, valid name: the hash alone provides it.
  if (full.length === 0) return `x${shortDigest(digestBytes(parts.join("\u0000")), NAME_HASH_LENGTH)}`;
  if (full.length <= maxLength) return full;
  const hash = shortDigest(digestBytes(full), NAME_HASH_LENGTH);
  const head = full.slice(0, Math.max(1, maxLength - NAME_HASH_LENGTH - 1)).replace(/-+$/, "");
  return `${head}-${hash}`;
}

/**
 * A DNS-1123 label that ends with `suffix` unchanged (e.g. a server ordinal): only the `parts` before it are
 * shortened, so ordinals stay readable and sortable whatever the length of the stack name.
 *
 * @example dnsLabelWithSuffix(["shop", "web"], "2") === "shop-web-2"
 */
export function dnsLabelWithSuffix(
  parts: readonly string[],
  suffix: string,
  maxLength = DNS_LABEL_MAX,
): string {
  const tail = sanitize(suffix);
  return `${dnsLabel(parts, maxLength - tail.length - 1)}-${tail}`;
}

/**
 * A DNS-1035 label (must start with a letter), as Services require: a name that would start with a digit
 * gets the prefix `s-`.
 */
export function dns1035Label(parts: readonly string[], maxLength = DNS_LABEL_MAX): string {
  const label = dnsLabel(parts, maxLength);
  return /^[a-z]/.test(label) ? label : dnsLabel(["s", label], maxLength);
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * A valid Kubernetes label value (≤ 63 characters, alphanumeric at both ends): returned unchanged when it
 * already is one, otherwise shortened and trimmed the same way as names.
 */
export function labelValue(value: string): string {
  if (value.length <= DNS_LABEL_MAX && LABEL_VALUE.test(value)) return value;
  const trimmed = value.replace(/[^-A-Za-z0-9_.]/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  if (trimmed.length <= DNS_LABEL_MAX) return trimmed;
  const hash = shortDigest(digestBytes(value), NAME_HASH_LENGTH);
  const head = trimmed.slice(0, DNS_LABEL_MAX - NAME_HASH_LENGTH - 1).replace(/[^A-Za-z0-9]+$/, "");
  return `${head}-${hash}`;
}
