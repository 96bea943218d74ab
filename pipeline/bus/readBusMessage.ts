/**
 * readBusMessage: what one message on the intake topic asks for, or why it is poison — with the same
 * checks as `POST /api/intent`: the producer's credential (an API key of the same key ring, sent in the
 * `X-API-Key` header, write scope), the JSON limits, the older demo's plain shape (converted to the TMF921
 * Intent it means against the site registry, as `POST /api/intent` converts it; one that cannot be converted
 * is poison, `E_PLAIN_SHAPE`, with every problem), the TMF921 `Intent_FVO` schema and the id rules. A bus intent must carry its `id`: the id and the document's digest are what
 * make a redelivered message recognisable, so one without an id cannot be taken exactly once.
 */
import { convertPlainIntent, isPlainIntent, plainShapeErrors } from "../../compiler/convertPlainIntent.js";
import { digestBytes } from "../../compiler/digest.js";
import { parseJsonSafely } from "../../compiler/parseJsonSafely.js";
import type { SiteRegistry } from "../../compiler/types.js";
import { type ApiKeyIdentity, type ApiKeyRing, allows } from "../api/apiKeys.js";
import { validateResource } from "../api/validateResource.js";
import { intentText } from "../intake/createIntake.js";
import { E_PROBE_INTENT, PROBE_INTENT_MESSAGE } from "../probe/probeIntentProblem.js";

export interface BusProblem {
  pointer: string;
  detail: string;
  code?: string;
}

export type BusMessage =
  | {
      ok: true;
      identity: ApiKeyIdentity;
      intentId: string;
      body: Record<string, unknown>;
      /** Digest of the canonical intent text: the digest the intake log records for it. */
      digest: string;
      /** The TMF921 Intent a plain-shape message was converted to (what was accepted). */
      converted?: Record<string, unknown>;
    }
  | { ok: false; code: string; reason: string; problems: BusProblem[]; identity?: ApiKeyIdentity };

const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface BusLimits {
  bodyBytes: number;
  depth: number;
}

/** The plain shape of the older demo: recognised by its members (converted when it is the whole shape). */
function isPlainShape(body: Record<string, unknown>): boolean {
  return (
    !("expression" in body) &&
    ("qos" in body || "service" in body || "targetSite" in body || "intentId" in body)
  );
}

/**
 * @param registry the site registry a plain-shape message is converted against; without it such a
 *   message is refused (`E_PLAIN_SHAPE`)
 */
export function readBusMessage(
  data: Uint8Array,
  apiKey: string | undefined,
  keys: ApiKeyRing,
  limits: BusLimits,
  registry?: SiteRegistry,
): BusMessage {
  const refuse = (code: string, reason: string, problems: BusProblem[] = [], identity?: ApiKeyIdentity) => ({
    ok: false as const,
    code,
    reason,
    problems,
    ...(identity ? { identity } : {}),
  });
  const identity = apiKey && apiKey.length <= 512 ? keys.verify(apiKey) : undefined;
  if (!identity) return refuse("E_UNAUTHENTICATED", "no valid producer credential in the X-API-Key header");
  if (!allows(identity, "write")) {
    return refuse("E_FORBIDDEN", `the key ${identity.keyId} lacks the write scope`, [], identity);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return refuse("E_ENCODING", "the message is not valid UTF-8", [], identity);
  }
  const parsed = parseJsonSafely(text, { maxBytes: limits.bodyBytes, maxDepth: limits.depth });
  if (!parsed.ok) {
    return refuse(
      parsed.problems[0]?.code ?? "E_SYNTAX",
      "the message is not acceptable JSON",
      parsed.problems.slice(0, 20).map((p) => ({ pointer: p.pointer, detail: p.message, code: p.code })),
      identity,
    );
  }
  const body = parsed.value;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return refuse("E_VALIDATION", "the message is not a JSON object", [{ pointer: "", detail: "an object" }]);
  }
  let doc = body as Record<string, unknown>;
  let converted: Record<string, unknown> | undefined;
  if (isPlainShape(doc)) {
    const conversion = registry && isPlainIntent(doc) ? convertPlainIntent(doc, registry) : undefined;
    if (!conversion?.intent || conversion.problems.length) {
      return refuse(
        "E_PLAIN_SHAPE",
        registry
          ? "the message looks like the older demo's plain intent shape but cannot be converted to a TMF921 Intent"
          : "the older demo's plain intent shape needs the site registry to be converted; publish a TMF921 Intent",
        plainShapeErrors(conversion),
        identity,
      );
    }
    doc = conversion.intent;
    converted = conversion.intent;
  }
  if (doc["@type"] === "ProbeIntent") {
    return refuse(
      E_PROBE_INTENT,
      PROBE_INTENT_MESSAGE,
      [{ pointer: "/@type", detail: "ProbeIntent" }],
      identity,
    );
  }
  const problems = validateResource("tmf921:Intent_FVO", doc);
  if (problems.length) {
    return refuse("E_VALIDATION", "the message is not a TMF921 Intent (Intent_FVO)", problems, identity);
  }
  if (typeof doc.id !== "string" || !SAFE_ID.test(doc.id)) {
    return refuse(
      "E_UNSAFE_ID",
      "a bus intent needs an id that is a DNS label (a-z, 0-9, '-', at most 63): id and digest recognise a redelivery",
      [{ pointer: "/id", detail: "missing or not a DNS label" }],
      identity,
    );
  }
  const { href: _href, ...rest } = doc;
  return {
    ok: true,
    identity,
    intentId: doc.id,
    body: rest,
    digest: digestBytes(intentText(rest)),
    ...(converted ? { converted } : {}),
  };
}
