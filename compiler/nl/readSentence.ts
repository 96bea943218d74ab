/**
 * readSentence: the rules of the embedded parser. Each rule reads one kind of phrase operators write
 * ("p95 under 100 ms", "3 replicas", "an eMBB slice", "300 Mbps downlink per UE", …) into a `Reading`;
 * the phrases are consumed so that what is left over can be reported as not understood.
 *
 * Pure: regular expressions over the sentence, no clock, no I/O.
 */
import type { Problem } from "../errors.js";
import type { TextCursor } from "./consumeText.js";
import {
  COMPARISON,
  type ConditionKey,
  conditionOf,
  GLUE,
  NUMBER,
  PERCENT_UNIT,
  RATE_UNIT,
  RATE_UNITS,
  TIME_UNIT,
  TIME_UNITS,
} from "./phraseTables.js";

export interface TargetReading {
  /** Vocabulary key, e.g. `io:p95Latency`. */
  key: string;
  condition: ConditionKey;
  /** A quantity string the compiler reads (`"100 ms"`, `"1 %"`) or a bare number (counts). */
  value: string | number;
  phrase: string;
}

export interface Reading {
  appName?: string;
  sliceType?: string;
  sliceTarget?: "RAN_SubNetwork" | "5GC_SubNetwork";
  params: Record<string, unknown>;
  targets: TargetReading[];
  /** Site phrases: explicit ids, or a group ("both sites", "all edge sites"). */
  siteIds: string[];
  siteGroup?: { phrase: string; count?: 2; edgeOnly: boolean };
  unknownSites: string[];
  understood: { phrase: string; meaning: string }[];
  assumptions: string[];
  problems: Problem[];
}

const SLICE_TYPES: ReadonlyMap<string, string> = new Map([
  ["embb", "eMBB"],
  ["urllc", "URLLC"],
  ["mmtc", "MIoT"],
  ["miot", "MIoT"],
  ["v2x", "V2X"],
  ["hmtc", "HMTC"],
]);
/** Words that are never an application's name. */
const NOT_A_NAME = new Set([
  ...SLICE_TYPES.keys(),
  "slice",
  "network",
  "app",
  "application",
  "service",
  "api",
  "the",
  "a",
  "an",
  "our",
  "my",
  "new",
  "it",
  "this",
  "that",
  "version",
  "image",
  "on",
  "to",
  "at",
  "in",
  "with",
  "and",
  "both",
  "all",
  "core",
  "ran",
  "5g",
]);

const re = (source: string) => new RegExp(source, "gu");
const COMP_OPT = `(?:${COMPARISON}\\s*)?`;
const DURATION = `${NUMBER}\\s*${TIME_UNIT}`;
const PERCENT = `${NUMBER}${PERCENT_UNIT}`;
const RATE = `${NUMBER}\\s*${RATE_UNIT}`;

/** Reads one sentence. `slice` says whether the sentence asks for a slice (it changes what "latency" means). */
export function readSentence(cursor: TextCursor, siteIds: readonly string[]): Reading {
  const r: Reading = {
    params: {},
    targets: [],
    siteIds: [],
    unknownSites: [],
    understood: [],
    assumptions: [],
    problems: [],
  };
  const note = (phrase: string, meaning: string) => r.understood.push({ phrase: phrase.trim(), meaning });
  const target = (
    key: string,
    phrase: string,
    said: string | undefined,
    fallback: ConditionKey,
    value: string | number,
    only?: ConditionKey,
  ) => {
    let condition = said ? conditionOf(said) : fallback;
    if (only && condition !== only) {
      r.assumptions.push(
        `"${phrase.trim()}": ${key} is defined by TS 28.312 with ${only === "quan:smaller" ? "IS_LESS_THAN" : "IS_GREATER_THAN"} only; read as that`,
      );
      condition = only;
    }
    if (r.targets.some((t) => t.key === key)) {
      r.problems.push({
        code: "E_NL_TWICE",
        pointer: "/text",
        message: `"${phrase.trim()}": ${key} is asked for twice in the sentence`,
      });
      return true;
    }
    r.targets.push({ key, condition, value, phrase: phrase.trim() });
    note(phrase, `${key} ${condition} ${value}`);
    return true;
  };
  const param = (key: string, value: unknown, phrase: string) => {
    if (key in r.params && JSON.stringify(r.params[key]) !== JSON.stringify(value)) {
      r.problems.push({
        code: "E_NL_TWICE",
        pointer: "/text",
        message: `"${phrase.trim()}": ${key} is given twice with different values`,
      });
      return true;
    }
    r.params[key] = value;
    note(phrase, `${key} = ${JSON.stringify(value)}`);
    return true;
  };
  const c = cursor;
  const time = (n: string, unit: string) => `${n} ${TIME_UNITS.get(unit) ?? unit}`;
  const rate = (n: string, unit: string) => `${n} ${RATE_UNITS.get(unit) ?? unit}`;

  // Identifiers first, so their digits and dots are not read as quantities.
  c.scan(re(`\\b(?:container\\s+)?image\\s+([a-z0-9][a-z0-9._/:@-]*[a-z0-9])`), (m) =>
    param("io:image", m[1], m[0]),
  );
  c.scan(re(`\\bnamespace\\s+([a-z0-9][a-z0-9-]*[a-z0-9])\\b`), (m) => param("io:namespace", m[1], m[0]));
  c.scan(re(`\\b(?:version|release|ver\\.?)\\s*v?(\\d+(?:\\.\\d+){0,3}(?:-[a-z0-9.]+)?)\\b`), (m) =>
    param("io:appVersion", m[1], m[0]),
  );
  c.scan(re(`\\bv(\\d+(?:\\.\\d+){1,3})\\b`), (m) => param("io:appVersion", m[1], m[0]));
  c.scan(re(`\\b(?:on\\s+)?port\\s+(\\d{1,5})\\b`), (m) => param("io:port", Number(m[1]), m[0]));

  // Slices.
  c.scan(re(`\\b(embb|urllc|mmtc|miot|v2x|hmtc)\\b(?:\\s+(?:network\\s+)?slice)?`), (m) => {
    const type = SLICE_TYPES.get(m[1]!)!;
    if (r.sliceType && r.sliceType !== type) {
      r.problems.push({
        code: "E_NL_AMBIGUOUS",
        pointer: "/text",
        message: `"${m[0]}": the sentence names two slice types (${r.sliceType}, ${type}); draft one intent per slice`,
      });
      return true;
    }
    if (m[1] === "mmtc") r.assumptions.push(`"mMTC" is the MIoT slice/service type of TS 23.501 (SST 3)`);
    r.sliceType = type;
    note(m[0], `io:sliceType = "${type}"`);
    return true;
  });
  const isSlice = r.sliceType !== undefined || /\bslice\b/.test(c.text);
  c.scan(re(`\\b(?:5g\\s+core|5gc|core\\s+network|(?:on|in)\\s+the\\s+core)\\b`), (m) => {
    r.sliceTarget = "5GC_SubNetwork";
    note(m[0], "target 5GC_SubNetwork");
    return true;
  });
  c.scan(re(`\\b(?:ran|radio\\s+access\\s+network|radio\\s+network)\\b`), (m) => {
    if (r.sliceTarget === "5GC_SubNetwork") return false;
    r.sliceTarget = "RAN_SubNetwork";
    note(m[0], "target RAN_SubNetwork");
    return true;
  });
  c.scan(re(`\\b(?:sd|slice\\s+differentiator)\\s*(?:of\\s+|=\\s*|:\\s*)?([0-9a-f]{6})\\b`), (m) =>
    param("io:sd", m[1], m[0]),
  );
  c.scan(re(`\\bplmn(?:\\s+id)?\\s*(?:of\\s+|=\\s*|:\\s*)?(\\d{3})\\s*[-/ ]\\s*(\\d{2,3})\\b`), (m) =>
    param("io:plmn", { "io:mcc": m[1], "io:mnc": m[2] }, m[0]),
  );
  c.scan(
    re(
      `\\b(?:tacs?|tracking\\s+areas?(?:\\s+codes?)?)\\s*(?::\\s*)?([0-9a-f]{4,6}(?:\\s*(?:,|and|&)\\s*[0-9a-f]{4,6})*)\\b`,
    ),
    (m) => param("io:tac", [...new Set(m[1]!.split(/\s*(?:,|and|&)\s*/))].sort(), m[0]),
  );
  c.scan(re(`\\b5qi\\s*(?:of\\s+|=\\s*|:\\s*)?(\\d{1,3})\\b`), (m) => param("io:fiveQI", Number(m[1]), m[0]));

  // Per-UE throughput (slices) — before the application throughput rule.
  const PER_UE_AFTER = `(?:\\s+per\\s+(?:ue|user|device|subscriber))?`;
  const PER_UE = `(?:\\s+(?:throughput|rate|bandwidth))?(?:\\s+per\\s+(?:ue|user|device|subscriber))?`;
  for (const [dir, key] of [
    ["(?:downlink|dl|download)", "io:dlThroughputPerUe"],
    ["(?:uplink|ul|upload)", "io:ulThroughputPerUe"],
  ] as const) {
    c.scan(re(`${COMP_OPT}${RATE}\\s+(?:guaranteed\\s+)?${dir}${PER_UE}`), (m) =>
      target(key, m[0], m[1], "quan:greater", rate(m[2]!, m[3]!), "quan:greater"),
    );
    c.scan(re(`\\b(?:guaranteed\\s+)?${dir}${PER_UE}${GLUE}\\s*${COMP_OPT}${RATE}${PER_UE_AFTER}`), (m) =>
      target(key, m[0], m[1], "quan:greater", rate(m[2]!, m[3]!), "quan:greater"),
    );
  }
  c.scan(
    re(
      `\\b(?:${COMPARISON}\\s*)?(\\d{1,3}(?:,\\d{3})+|\\d+)\\s+(?:concurrent\\s+|simultaneous\\s+)?(?:ues|users|devices|subscribers|connections)\\b`,
    ),
    (m) => target("io:maxUes", m[0], m[1], "quan:smaller", Number(m[2]!.replace(/,/g, "")), "quan:smaller"),
  );

  // Latency.
  for (const [dir, key] of [
    ["(?:downlink|dl)", "io:dlLatency"],
    ["(?:uplink|ul)", "io:ulLatency"],
  ] as const) {
    c.scan(re(`\\b${dir}\\s+latency${GLUE}\\s*${COMP_OPT}${DURATION}`), (m) =>
      target(key, m[0], m[1], "quan:smaller", time(m[2]!, m[3]!), "quan:smaller"),
    );
    c.scan(re(`${COMP_OPT}${DURATION}\\s+${dir}\\s+latency\\b`), (m) =>
      target(key, m[0], m[1], "quan:smaller", time(m[2]!, m[3]!), "quan:smaller"),
    );
  }
  const PCT = `(?:p(\\d{1,2}(?:\\.\\d+)?)|(\\d{1,2})(?:th)?[\\s-]*percentile)`;
  const LAT = `(?:latency|response\\s+times?|request\\s+latency)`;
  const percentile = (m: RegExpExecArray, pIndex: number, phrase: string) => {
    const p = m[pIndex] ?? m[pIndex + 1];
    if (p === "95") return true;
    r.problems.push({
      code: "E_NL_UNSUPPORTED",
      pointer: "/text",
      message: `"${phrase.trim()}": the vocabulary has the 95th percentile of latency only (io:p95Latency), not p${p}`,
    });
    return false;
  };
  c.scan(re(`\\b${LAT}\\s*\\(?(?:at\\s+)?${PCT}\\)?${GLUE}\\s*${COMP_OPT}${DURATION}`), (m) => {
    if (!percentile(m, 1, m[0])) return true;
    return target("io:p95Latency", m[0], m[3], "quan:smaller", time(m[4]!, m[5]!));
  });
  c.scan(re(`\\b${PCT}(?:\\s+${LAT})?${GLUE}\\s*${COMP_OPT}${DURATION}`), (m) => {
    if (!percentile(m, 1, m[0])) return true;
    return target("io:p95Latency", m[0], m[3], "quan:smaller", time(m[4]!, m[5]!));
  });
  c.scan(
    re(`\\b(?:user[\\s-]plane\\s+|end[\\s-]to[\\s-]end\\s+)?${LAT}${GLUE}\\s*${COMP_OPT}${DURATION}`),
    (m) => {
      if (isSlice) {
        r.assumptions.push(
          `"${m[0].trim()}": latency of a slice is read as both downlink and uplink latency`,
        );
        target("io:dlLatency", m[0], m[1], "quan:smaller", time(m[2]!, m[3]!), "quan:smaller");
        return target("io:ulLatency", m[0], m[1], "quan:smaller", time(m[2]!, m[3]!), "quan:smaller");
      }
      r.assumptions.push(`"${m[0].trim()}": latency without a percentile is read as p95 latency`);
      return target("io:p95Latency", m[0], m[1], "quan:smaller", time(m[2]!, m[3]!));
    },
  );
  c.scan(re(`${COMP_OPT}${DURATION}\\s+(?:of\\s+)?(?:user[\\s-]plane\\s+)?latency\\b`), (m) => {
    if (isSlice) {
      target("io:dlLatency", m[0], m[1], "quan:smaller", time(m[2]!, m[3]!), "quan:smaller");
      return target("io:ulLatency", m[0], m[1], "quan:smaller", time(m[2]!, m[3]!), "quan:smaller");
    }
    r.assumptions.push(`"${m[0].trim()}": latency without a percentile is read as p95 latency`);
    return target("io:p95Latency", m[0], m[1], "quan:smaller", time(m[2]!, m[3]!));
  });

  // Percentages and rates.
  const percentRules: ReadonlyArray<readonly [string, string, ConditionKey]> = [
    ["(?:error(?:s|\\s+rate|\\s+ratio)?|failure\\s+rate|failed\\s+requests)", "io:errorRate", "quan:smaller"],
    ["cpu(?:\\s+(?:utili[sz]ation|usage|load|use))?", "io:cpuUtilization", "icm:atMost"],
    ["(?:memory|mem|ram)(?:\\s+(?:utili[sz]ation|usage|use))?", "io:memoryUtilization", "icm:atMost"],
    ["(?:availability|uptime)", "io:availability", "icm:atLeast"],
    ["pods?\\s+ready", "io:podsReady", "icm:atLeast"],
  ];
  for (const [words, key, fallback] of percentRules) {
    c.scan(re(`\\b${words}${GLUE}\\s*${COMP_OPT}${PERCENT}`), (m) =>
      target(key, m[0], m[1], fallback, `${m[2]} %`),
    );
    c.scan(re(`${COMP_OPT}${PERCENT}\\s+(?:of\\s+)?${words}\\b`), (m) =>
      target(key, m[0], m[1], fallback, `${m[2]} %`),
    );
  }
  c.scan(re(`\\b${PERCENT}\\s+available\\b`), (m) =>
    target("io:availability", m[0], undefined, "icm:atLeast", `${m[1]} %`),
  );
  c.scan(re(`\\ball\\s+(?:the\\s+)?pods\\s+(?:are\\s+|being\\s+)?ready\\b`), (m) =>
    target("io:podsReady", m[0], undefined, "icm:atLeast", "100 %"),
  );
  c.scan(
    re(`\\b(?:throughput|bandwidth)${GLUE}\\s*${COMP_OPT}${RATE}(?:\\s+per\\s+(?:ue|user|device))?`),
    (m) =>
      isSlice
        ? target("io:dlThroughputPerUe", m[0], m[1], "quan:greater", rate(m[2]!, m[3]!), "quan:greater")
        : target("io:throughput", m[0], m[1], "quan:greater", rate(m[2]!, m[3]!)),
  );
  c.scan(re(`${COMP_OPT}${RATE}\\s+(?:of\\s+)?(?:throughput|bandwidth)\\b`), (m) =>
    isSlice
      ? target("io:dlThroughputPerUe", m[0], m[1], "quan:greater", rate(m[2]!, m[3]!), "quan:greater")
      : target("io:throughput", m[0], m[1], "quan:greater", rate(m[2]!, m[3]!)),
  );

  // Resources.
  const MEM_UNITS: ReadonlyMap<string, string> = new Map([
    ["mi", "Mi"],
    ["mib", "Mi"],
    ["gi", "Gi"],
    ["gib", "Gi"],
    ["ki", "Ki"],
    ["kib", "Ki"],
    ["mb", "M"],
    ["gb", "G"],
  ]);
  const cap = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;
  c.scan(
    re(`\\bcpu\\s+(request|limit)s?\\s*(?:of\\s+|=\\s*|:\\s*)?(\\d+(?:\\.\\d+)?m?)(?:\\s+cores?)?\\b`),
    (m) => param(`io:cpu${cap(m[1]!)}`, m[2], m[0]),
  );
  c.scan(re(`\\b(\\d+(?:\\.\\d+)?m?)\\s*(?:cores?\\s+)?(?:of\\s+)?cpu\\s+(request|limit)\\b`), (m) =>
    param(`io:cpu${cap(m[2]!)}`, m[1], m[0]),
  );
  const MEM = `(\\d+(?:\\.\\d+)?)\\s*(mib|mi|gib|gi|kib|ki|mb|gb)\\b`;
  c.scan(re(`\\b(?:memory|mem|ram)\\s+(request|limit)s?\\s*(?:of\\s+|=\\s*|:\\s*)?${MEM}`), (m) =>
    param(`io:memory${cap(m[1]!)}`, `${m[2]}${MEM_UNITS.get(m[3]!)}`, m[0]),
  );
  c.scan(re(`\\b${MEM}\\s+(?:of\\s+)?(?:memory|mem|ram)\\s+(request|limit)\\b`), (m) =>
    param(`io:memory${cap(m[3]!)}`, `${m[1]}${MEM_UNITS.get(m[2]!)}`, m[0]),
  );

  // Replicas.
  const COPIES = "(?:replicas?|instances?|pods?|copies)";
  c.scan(
    re(
      `\\b(?:autoscal\\w*|scal(?:e|ing))?\\s*(?:between\\s+(\\d+)\\s+and\\s+(\\d+)|from\\s+(\\d+)\\s+to\\s+(\\d+)|(\\d+)\\s*(?:to|-)\\s*(\\d+))\\s+${COPIES}\\b`,
    ),
    (m) => {
      const lo = Number(m[1] ?? m[3] ?? m[5]);
      const hi = Number(m[2] ?? m[4] ?? m[6]);
      param("io:minReplicas", lo, m[0]);
      param("io:maxReplicas", hi, m[0]);
      return param("io:replicas", lo, m[0]);
    },
  );
  c.scan(re(`\\bautoscal\\w*\\s+(?:between\\s+|from\\s+)?(\\d+)\\s+(?:to|and|-)\\s+(\\d+)\\b`), (m) => {
    param("io:minReplicas", Number(m[1]), m[0]);
    param("io:maxReplicas", Number(m[2]), m[0]);
    return param("io:replicas", Number(m[1]), m[0]);
  });
  c.scan(re(`\\b(max|min)(?:imum)?\\s+(?:of\\s+)?(\\d+)\\s+${COPIES}\\b`), (m) =>
    param(m[1] === "max" ? "io:maxReplicas" : "io:minReplicas", Number(m[2]), m[0]),
  );
  c.scan(re(`\\b(\\d+)\\s+${COPIES}\\b`), (m) => param("io:replicas", Number(m[1]), m[0]));
  c.scan(re(`\\breplicas?\\s*(?:count\\s*)?(?:of\\s+|=\\s*|:\\s*)?(\\d+)\\b`), (m) =>
    param("io:replicas", Number(m[1]), m[0]),
  );

  // The application's name.
  const name = (m: RegExpExecArray, n: string | undefined) => {
    if (!n || NOT_A_NAME.has(n) || r.appName) return false;
    r.appName = n;
    note(m[0], `io:appName = "${n}"`);
    return true;
  };
  const NAME = "([a-z][a-z0-9]*(?:-[a-z0-9]+)*)";
  c.scan(re(`\\b(?:app|application|service|microservice|workload)\\s+(?:called|named)\\s+${NAME}`), (m) =>
    name(m, m[1]),
  );
  c.scan(re(`\\b${NAME}\\s+(?:app|application|service|api|microservice|workload|backend|frontend)\\b`), (m) =>
    name(m, m[1]),
  );
  c.scan(re(`(?<=(?:replicas?|instances?|copies|pods?)\\s)of\\s+(?:the\\s+)?${NAME}`), (m) => name(m, m[1]));
  c.scan(
    re(
      `\\b(?:deploy|run|roll\\s+out|launch|install|ship|start|upgrade|update|scale)\\s+(?:the\\s+|an?\\s+|our\\s+)?${NAME}`,
    ),
    (m) => name(m, m[1]),
  );

  // Sites: the registry's ids, groups, and site-like words the registry does not know.
  for (const id of siteIds) {
    c.scan(re(`(?<![a-z0-9-])${id.replace(/[-]/g, "\\-")}(?![a-z0-9-])(?:'s\\b)?`), (m) => {
      if (!r.siteIds.includes(id)) r.siteIds.push(id);
      note(m[0], `site ${id}`);
      return true;
    });
  }
  c.scan(
    re(`\\bboth\\s+(?:of\\s+the\\s+)?(edge\\s+)?(?:sites|edges|clusters|locations)\\b|\\bboth\\s+edges\\b`),
    (m) => {
      r.siteGroup = { phrase: m[0], count: 2, edgeOnly: m[1] !== undefined || /edges/.test(m[0]) };
      return true;
    },
  );
  c.scan(
    re(
      `\\b(?:all|every|each)\\s+(?:of\\s+)?(?:the\\s+|our\\s+)?(edge\\s+)?(?:sites?|clusters?|locations?)\\b|\\beverywhere\\b`,
    ),
    (m) => {
      r.siteGroup = { phrase: m[0], edgeOnly: m[1] !== undefined };
      return true;
    },
  );
  c.scan(
    re(
      `(?:\\b(?:on|at|in|to|and|or|site|cluster)\\s+|,\\s*|&\\s*)(?:sites?\\s+|clusters?\\s+)?([a-z][a-z0-9]*(?:-[a-z0-9]+)*\\d)\\b|\\b((?:edge|site|cluster|region|dc|zone|cloud|openstack)[-_]?\\d+)\\b`,
    ),
    (m) => {
      const word = (m[1] ?? m[2])!;
      if (/^(?:p\d+|v\d+|5g|5gc|\d)/.test(word)) return false;
      if (!r.unknownSites.includes(word)) r.unknownSites.push(word);
      return true;
    },
  );
  return r;
}
