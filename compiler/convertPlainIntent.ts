/**
 * convertPlainIntent: the older demo's plain intent shape — what its LLM adapter produced —
 * `{ intentId, name, service: { type, characteristics }, targetSite, qos: { dl_mbps, ul_mbps, latency_ms,
 * jitter_ms, packet_loss_rate }, slice: { sst, sd, plmn }, priority, lifecycle, metadata }` → a TMF921 v5
 * Intent in this project's profile (a RAN slice with its targets), which is then compiled like any other.
 * The table is in intents/README.md, "The plain shape". `targetSite: "both"` means every Kubernetes site of
 * the registry (the sites a slice can be delivered to).
 *
 * Pure. A member the conversion cannot carry without changing what is ensured (jitter, packet loss, a
 * "generic" service) is refused, never dropped; members that only describe (service name and
 * characteristics, metadata dates) are listed in the delta report.
 */
import { pointerOf } from "./canonicalJson.js";
import { escapeControl, type Problem } from "./errors.js";
import type { DeltaEntry, SiteRegistry } from "./types.js";

/** The plain shape's service types → TS 23.501 slice/service type and its SST. */
const SERVICE_TYPES: ReadonlyMap<string, { sliceType: string; sst: number }> = new Map([
  ["eMBB", { sliceType: "eMBB", sst: 1 }],
  ["URLLC", { sliceType: "URLLC", sst: 2 }],
  ["mMTC", { sliceType: "MIoT", sst: 3 }],
]);
const PLAIN_KEYS = new Set([
  "intentId",
  "name",
  "description",
  "service",
  "targetSite",
  "qos",
  "slice",
  "priority",
  "lifecycle",
  "metadata",
]);
const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface PlainConversion {
  intent?: Record<string, unknown>;
  problems: Problem[];
  delta: DeltaEntry[];
}

/** Is `value` the plain shape (no TMF921 `@type`/`expression`, and the plain shape's own members)? */
export function isPlainIntent(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if ("@type" in record || "expression" in record) return false;
  return "intentId" in record && ("service" in record || "targetSite" in record || "qos" in record);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * @example convertPlainIntent({ intentId: "gaming", service: { type: "eMBB" }, targetSite: "edge1",
 *   qos: { latency_ms: 50 } }, registry).intent  → a TMF921 Intent with a RAN_SubNetwork delivery
 */
export function convertPlainIntent(plain: Record<string, unknown>, registry: SiteRegistry): PlainConversion {
  const problems: Problem[] = [];
  const delta: DeltaEntry[] = [];
  const problem = (code: string, pointer: string, message: string) =>
    problems.push({ code, pointer, message });

  for (const key of Object.keys(plain)) {
    if (!PLAIN_KEYS.has(key)) problem("E_UNKNOWN_FIELD", pointerOf(key), "not a member of the plain shape");
  }
  const rawId = plain.intentId;
  let id: string | undefined;
  if (typeof rawId !== "string" || rawId.length === 0) {
    problem("E_REQUIRED", "/intentId", "the plain shape needs an intentId");
  } else {
    id = rawId
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63);
    if (!SAFE_ID.test(id)) {
      problem("E_UNSAFE_ID", "/intentId", "the intentId has no letters or digits to make an intent id of");
      id = undefined;
    } else if (id !== rawId) {
      delta.push({
        pointer: "/intentId",
        reason: `intentId ${JSON.stringify(rawId)} becomes the id "${id}"`,
      });
    }
  }

  const service = plain.service;
  let slice: { sliceType: string; sst: number } | undefined;
  if (!isRecord(service) || typeof service.type !== "string") {
    problem(
      "E_REQUIRED",
      "/service/type",
      `the service type is required (${[...SERVICE_TYPES.keys()].join(", ")})`,
    );
  } else {
    slice = SERVICE_TYPES.get(service.type);
    if (!slice) {
      problem(
        "E_UNMAPPED",
        "/service/type",
        `service type ${JSON.stringify(service.type)} names no TS 23.501 slice/service type; known: ${[...SERVICE_TYPES.keys()].join(", ")}`,
      );
    }
    for (const key of Object.keys(service)) {
      if (key !== "type")
        delta.push({ pointer: pointerOf("service", key), reason: "describes the service; not mapped" });
    }
  }

  const params: Record<string, unknown> = Object.create(null);
  params["icm:targetDescription"] = { "@id": "io:RAN_SubNetwork" };
  const kubernetes = registry.sites.filter((s) => s.kind === "kubernetes").map((s) => s.id);
  if (plain.targetSite === "both") {
    params["io:site"] = kubernetes;
    delta.push({
      pointer: "/targetSite",
      reason: `"both" read as every Kubernetes site of the registry: ${kubernetes.join(", ")}`,
    });
  } else if (typeof plain.targetSite === "string") params["io:site"] = plain.targetSite;
  else problem("E_REQUIRED", "/targetSite", 'the target site is required (a site id, or "both")');
  if (slice) params["io:sliceType"] = slice.sliceType;

  const sliceMember = plain.slice;
  if (sliceMember !== undefined && !isRecord(sliceMember)) problem("E_TYPE", "/slice", "must be an object");
  if (isRecord(sliceMember)) {
    for (const key of Object.keys(sliceMember)) {
      if (!["sst", "sd", "plmn"].includes(key))
        problem("E_UNKNOWN_FIELD", pointerOf("slice", key), "not a member of the plain shape's slice");
    }
    if (sliceMember.sst !== undefined && slice && sliceMember.sst !== slice.sst) {
      problem(
        "E_CONFLICT",
        "/slice/sst",
        `SST ${JSON.stringify(sliceMember.sst)} contradicts service type ${String((service as Record<string, unknown>).type)} (SST ${slice.sst})`,
      );
    }
    if (sliceMember.sd !== undefined && sliceMember.sd !== null) params["io:sd"] = sliceMember.sd;
    const plmn = sliceMember.plmn;
    if (plmn !== undefined && plmn !== null) {
      if (typeof plmn !== "string" || !/^\d{5,6}$/.test(plmn)) {
        problem("E_PATTERN", "/slice/plmn", "a PLMN id is 5 or 6 digits (MCC then MNC)");
      } else params["io:plmn"] = { "io:mcc": plmn.slice(0, 3), "io:mnc": plmn.slice(3) };
    }
  }

  const targets: Record<string, unknown> = Object.create(null);
  const qos = plain.qos;
  if (qos !== undefined && !isRecord(qos)) problem("E_TYPE", "/qos", "must be an object");
  if (isRecord(qos)) {
    for (const [key, value] of Object.entries(qos)) {
      const at = pointerOf("qos", key);
      if (value === null || value === undefined) continue;
      if (key === "jitter_ms" || key === "packet_loss_rate") {
        problem(
          "E_UNMAPPED",
          at,
          `${key} has no TS 28.312 target in this profile; it would not be ensured, so it is refused`,
        );
        continue;
      }
      if (typeof value !== "number" || !Number.isFinite(value)) {
        problem("E_TYPE", at, "must be a number");
        continue;
      }
      if (key === "dl_mbps") targets["io:dlThroughputPerUe"] = [{ "quan:greater": `${value} Mbps` }];
      else if (key === "ul_mbps") targets["io:ulThroughputPerUe"] = [{ "quan:greater": `${value} Mbps` }];
      else if (key === "latency_ms") targets["io:dlLatency"] = [{ "quan:smaller": `${value} ms` }];
      else problem("E_UNKNOWN_FIELD", at, "not a member of the plain shape's qos");
    }
  }

  const metadata = plain.metadata;
  if (isRecord(metadata)) {
    for (const key of Object.keys(metadata)) {
      if (key !== "version")
        delta.push({ pointer: pointerOf("metadata", key), reason: "metadata; not mapped" });
    }
  }
  if (problems.length || !id) return { problems, delta };

  const expectations: unknown[] = [
    {
      "@id": `io:deliver-${id}`,
      "@type": "icm:DeliveryExpectation",
      "icm:target": { "@id": `io:${id}-slice` },
      "icm:params": params,
    },
  ];
  if (Object.keys(targets).length) {
    expectations.push({
      "@id": `io:${id}-qos`,
      "@type": "icm:PropertyExpectation",
      "icm:target": { "@id": `io:${id}-slice` },
      "icm:params": targets,
    });
  }
  const intent: Record<string, unknown> = {
    "@type": "Intent",
    id,
    name: typeof plain.name === "string" ? plain.name : id,
  };
  if (typeof plain.description === "string") intent.description = plain.description;
  if (isRecord(metadata) && typeof metadata.version === "string") intent.version = metadata.version;
  if (typeof plain.priority === "string") intent.priority = plain.priority;
  if (typeof plain.lifecycle === "string") intent.lifecycleStatus = plain.lifecycle;
  intent.expression = {
    "@type": "JsonLdExpression",
    iri: `https://intentops.io/intents/${id}`,
    expressionValue: {
      "@context": {
        icm: "http://tio.models.tmforum.org/tio/v3.6.0/IntentCommonModel/",
        quan: "http://tio.models.tmforum.org/tio/v3.6.0/QuantityOntology/",
        io: "https://intentops.io/ontology/v1#",
      },
      "@id": `io:${id}`,
      "@type": "icm:Intent",
      "icm:hasExpectation": expectations,
    },
  };
  return { intent, problems, delta };
}

/**
 * What an intake reports for a plain-shaped body that did not convert: the conversion's problems (or why the
 * body is not the plain shape at all), at most 50, control characters escaped.
 */
export function plainShapeErrors(
  conversion: PlainConversion | undefined,
): Array<{ pointer: string; detail: string; code: string }> {
  const problems = conversion?.problems ?? [
    {
      code: "E_PLAIN_SHAPE",
      pointer: "",
      message: "the plain shape needs intentId and one of service, targetSite, qos; no @type or expression",
    },
  ];
  return problems
    .slice(0, 50)
    .map((p) => ({ pointer: p.pointer, detail: escapeControl(p.message), code: p.code }));
}
