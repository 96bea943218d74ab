/**
 * Hostile inputs, generated from the repository's own examples: each family of attack the issue names,
 * crossed with the places it can be put. Every case must be refused at the door (exit 1, file and
 * pointer, nothing written); none may crash (exit 3) or leak a raw control character into the output.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

type Json = Record<string, unknown>;
export interface HostileCase {
  family: string;
  name: string;
  /** The intent file's bytes. */
  intent: string | Uint8Array;
  /** A replacement intents/sites.yaml, when the attack is on the registry. */
  sites?: string;
  /**
   * `render`: the intent compiles on its own and is refused once rendered beside the repository's other
   * intents (`intentops render`, and `intentops run` against the delivery repository holding them).
   */
  stage?: "render";
  /** The code every problem of a `render` case has; default `E_OWNERSHIP_CONFLICT`. */
  code?: string;
}

const example = (stem: string): Json =>
  JSON.parse(readFileSync(join(ROOT, "intents", `${stem}.json`), "utf8"));
const text = (value: unknown) => JSON.stringify(value, null, 2);
const exps = (input: Json) =>
  ((input.expression as Json).expressionValue as Json)["icm:hasExpectation"] as Json[];
const params = (input: Json, i: number) => exps(input)[i]!["icm:params"] as Json;
const context = (input: Json) => ((input.expression as Json).expressionValue as Json)["@context"] as Json;
const edit = (stem: string, change: (input: Json) => void): string => {
  const input = example(stem);
  change(input);
  return text(input);
};

/** Property parameters of edge-analytics' PropertyExpectation, with a condition key, and their kind. */
const QUANTITIES: Array<[key: string, condition: string]> = [
  ["io:p95Latency", "quan:smaller"],
  ["io:errorRate", "quan:smaller"],
  ["io:cpuUtilization", "icm:atMost"],
];
const PROTO_NAMES = [
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupSetter__",
];
const CONTROL = [
  "\u001b[31mred\u001b[0m",
  "a\rb",
  "x\nintents/other.json#/id: forged [E_NONE]",
  "\u0007bell",
  "\u009b2J",
  "\u202eevil",
  "\u2028line",
  "tab\there",
  "\u0000nul",
  "del\u007f",
];

export function hostileCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (family: string, name: string, intent: string | Uint8Array, sites?: string) =>
    cases.push({ family, name, intent, ...(sites === undefined ? {} : { sites }) });

  // 1. Object.prototype member names as units and as names
  for (const unit of PROTO_NAMES) {
    for (const [key, condition] of QUANTITIES) {
      add(
        "prototype names",
        `${key} "80 ${unit}"`,
        edit("edge-analytics", (i) => (params(i, 1)[key] = [{ [condition]: `80 ${unit}` }])),
      );
    }
    add(
      "prototype names",
      `ttl "30 ${unit}"`,
      edit("analytics-dns", (i) => (params(i, 0)["io:ttl"] = `30 ${unit}`)),
    );
    add(
      "prototype names",
      `site "${unit}"`,
      edit("analytics-dns", (i) => (params(i, 0)["io:site"] = unit)),
    );
    add(
      "prototype names",
      `priority "${unit}"`,
      edit("analytics-dns", (i) => (i.priority = unit)),
    );
  }

  // 2. unbounded nesting
  for (const n of [65, 100, 1_000, 10_000, 100_000, 400_000]) {
    add("nesting", `${n} unclosed [`, "[".repeat(n));
    add("nesting", `${n} unclosed {"a":`, '{"a":'.repeat(Math.min(n, 200_000)));
    add(
      "nesting",
      `${n} nested arrays in characteristic`,
      edit("analytics-dns", (i) => (i.characteristic = "@@")).replace(
        '"@@"',
        `${"[".repeat(n)}1${"]".repeat(n)}`,
      ),
    );
  }

  // 3. floods of schema errors
  for (const n of [10_000, 100_000, 300_000]) {
    add(
      "error floods",
      `${n} wrong-typed characteristics`,
      edit("analytics-dns", (i) => (i.characteristic = "@@")).replace(
        '"@@"',
        `[${Array(n).fill(1).join(",")}]`,
      ),
    );
    add(
      "error floods",
      `${n} wrong-typed relatedParty`,
      edit("analytics-dns", (i) => (i.relatedParty = "@@")).replace(
        '"@@"',
        `[${Array(n).fill('""').join(",")}]`,
      ),
    );
  }

  // 4. numbers that are not finite or not physical
  for (const n of ["1e309", "-1e309", "1e400", "123456789e999"]) {
    add(
      "numbers",
      `${n} in an extension field`,
      edit("analytics-dns", (i) => (i.characteristic = [{ value: "@@" }])).replace('"@@"', n),
    );
    add(
      "numbers",
      `${n} as replicas`,
      edit("edge-analytics", (i) => (params(i, 0)["io:replicas"] = "@@")).replace('"@@"', n),
    );
    add(
      "numbers",
      `${n} as a TTL`,
      edit("analytics-dns", (i) => (params(i, 0)["io:ttl"] = "@@")).replace('"@@"', n),
    );
    add(
      "numbers",
      `${n} as maxReplicas`,
      edit("edge-analytics", (i) => (params(i, 0)["io:maxReplicas"] = "@@")).replace('"@@"', n),
    );
    add(
      "numbers",
      `${n} as a port`,
      edit("edge-analytics", (i) => (params(i, 0)["io:port"] = "@@")).replace('"@@"', n),
    );
    add(
      "numbers",
      `"${n} ms" latency`,
      edit("edge-analytics", (i) => (params(i, 1)["io:p95Latency"] = [{ "quan:smaller": `${n} ms` }])),
    );
    add(
      "numbers",
      `${n} as a quantity value`,
      edit(
        "edge-analytics",
        (i) =>
          (params(i, 1)["io:p95Latency"] = [{ "quan:smaller": { "rdf:value": "@@", "quan:unit": "ms" } }]),
      ).replace('"@@"', n),
    );
  }
  for (const value of ["-5 ms", "0 ms", "1e300 ms", "8 d", "-0.001 s"]) {
    add(
      "physics",
      `p95 < ${value}`,
      edit("edge-analytics", (i) => (params(i, 1)["io:p95Latency"] = [{ "quan:smaller": value }])),
    );
  }
  for (const value of ["2 Tbit/s", "1e12 Mbps", "-1 Mbps"]) {
    add(
      "physics",
      `dl throughput > ${value}`,
      edit("embb-slice-edge1", (i) => (params(i, 1)["io:dlThroughputPerUe"] = [{ "quan:greater": value }])),
    );
  }
  for (const value of ["101 %", "2 ratio", "-1 %"]) {
    add(
      "physics",
      `error rate < ${value}`,
      edit("edge-analytics", (i) => (params(i, 1)["io:errorRate"] = [{ "quan:smaller": value }])),
    );
  }

  // 5. contradictions
  for (const [low, high] of [
    ["200 ms", "100 ms"],
    ["100 ms", "100 ms"],
    ["1 s", "999 ms"],
  ]) {
    add(
      "contradictions",
      `p95 > ${low} and < ${high}`,
      edit(
        "edge-analytics",
        (i) => (params(i, 1)["io:p95Latency"] = [{ "quan:greater": low }, { "quan:smaller": high }]),
      ),
    );
  }
  for (const [request, limit] of <Array<[string, string]>>[
    ["2", "500m"],
    ["1001m", "1"],
    ["2Gi", "1Gi"],
    ["1025Mi", "1Gi"],
  ]) {
    const key = /i$/.test(request) ? "memory" : "cpu";
    add(
      "contradictions",
      `${key} request ${request} above limit ${limit}`,
      edit("edge-analytics", (i) => {
        params(i, 0)[`io:${key}Request`] = request;
        params(i, 0)[`io:${key}Limit`] = limit;
      }),
    );
  }
  add(
    "contradictions",
    "minReplicas above maxReplicas",
    edit("edge-analytics", (i) => {
      params(i, 0)["io:minReplicas"] = 9;
      params(i, 0)["io:maxReplicas"] = 2;
    }),
  );

  // 6. DNS record targets that do not fit the record type
  const records: Array<[string, string]> = [
    ["A", "$(touch /tmp/x)"],
    ["A", "1.2.3.256"],
    ["A", "::1"],
    ["A", "example.com"],
    ["A", "`id`"],
    ["AAAA", "1.2.3.4"],
    ["AAAA", "2001:db8::g"],
    ["AAAA", "1:2:3:4:5:6:7:8:9"],
    ["CNAME", "a;b"],
    ["CNAME", "$(reboot)"],
    ["TXT", "x".repeat(256)],
  ];
  for (const [type, target] of records) {
    add(
      "dns records",
      `${type} record of ${JSON.stringify(target).slice(0, 30)}`,
      edit("analytics-dns", (i) => {
        params(i, 0)["io:recordType"] = type;
        params(i, 0)["io:recordTargets"] = [target];
      }),
    );
  }

  // 7. duplicate keys: JSON, JSON-LD aliases, absolute IRIs, twice-described nodes
  const dnsText = readFileSync(join(ROOT, "intents", "analytics-dns.json"), "utf8");
  const dupes: Array<[string, string, string]> = [
    ["top-level id", '"id": "analytics-dns"', '"id": "analytics-dns", "id": "other"'],
    ["name", '"name":', '"name": "x", "name":'],
    ["io:site", '"io:site": "edge1"', '"io:site": "edge1", "io:site": "edge2"'],
    [
      "@context prefix",
      '"io": "https://intentops.io/ontology/v1#"',
      '"io": "https://intentops.io/ontology/v1#", "io": "https://evil.example/#"',
    ],
    ["@type", '"@type": "Intent"', '"@type": "Intent", "@type": "ProbeIntent"'],
    ["expression", '"expression": {', '"expression": {}, "expression": {'],
    ["icm:target", '"icm:target": {', '"icm:target": "x", "icm:target": {'],
    ["version", '"version": "1"', '"version": "1", "version": "2"'],
  ];
  for (const [where, from, to] of dupes)
    add("duplicate keys", `duplicate ${where}`, dnsText.replace(from, to));
  add(
    "duplicate keys",
    "alias term next to io:site",
    edit("analytics-dns", (i) => {
      context(i).site = "io:site";
      params(i, 0).site = "edge2";
    }),
  );
  add(
    "duplicate keys",
    "absolute IRI next to io:site",
    edit("analytics-dns", (i) => {
      params(i, 0)["https://intentops.io/ontology/v1#site"] = "edge2";
    }),
  );
  add(
    "duplicate keys",
    "second prefix for io next to io:site",
    edit("analytics-dns", (i) => {
      context(i).ops = "https://intentops.io/ontology/v1#";
      params(i, 0)["ops:site"] = "edge2";
    }),
  );
  add(
    "duplicate keys",
    "term with @id next to the compact IRI",
    edit("analytics-dns", (i) => {
      context(i).where = { "@id": "https://intentops.io/ontology/v1#site" };
      params(i, 0).where = "edge2";
    }),
  );
  add(
    "duplicate keys",
    "@type alias next to @type",
    edit("analytics-dns", (i) => {
      context(i).kind = "@type";
      exps(i)[0]!.kind = "icm:PropertyExpectation";
    }),
  );
  add(
    "duplicate keys",
    "an expectation described twice",
    edit("edge-analytics", (i) => {
      exps(i).push({ ...exps(i)[0]!, "icm:params": { "io:site": "edge2" } });
    }),
  );

  // 8. invalid UTF-8
  const bytes = new TextEncoder().encode(dnsText);
  const at = dnsText.indexOf("analytics.edge.example.com") + 3;
  const badSequences: number[][] = [
    [0xff],
    [0xfe],
    [0xc0, 0x80],
    [0xe0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0xc3],
    [0xe2, 0x82],
    [0x80],
    [0xf4, 0x90, 0x80, 0x80],
  ];
  for (const sequence of badSequences) {
    for (const offset of [0, at, Math.floor(bytes.length / 2), bytes.length - 2]) {
      const out = new Uint8Array(bytes.length + sequence.length);
      out.set(bytes.slice(0, offset));
      out.set(sequence, offset);
      out.set(bytes.slice(offset), offset + sequence.length);
      add("utf-8", `bytes ${sequence.map((b) => b.toString(16)).join(" ")} at ${offset}`, out);
    }
  }

  // 9. control characters in attacker-chosen strings that are echoed back
  for (const evil of CONTROL) {
    add(
      "control characters",
      `unknown io: parameter named ${JSON.stringify(evil)}`,
      edit("analytics-dns", (i) => (params(i, 0)[`io:${evil}`] = 1)),
    );
    add(
      "control characters",
      `foreign parameter named ${JSON.stringify(evil)}`,
      edit("analytics-dns", (i) => (params(i, 0)[`http://evil.example/${evil}`] = 1)),
    );
    add(
      "control characters",
      `site ${JSON.stringify(evil)}`,
      edit("analytics-dns", (i) => (params(i, 0)["io:site"] = evil)),
    );
    add(
      "control characters",
      `unit ${JSON.stringify(evil)}`,
      edit("edge-analytics", (i) => (params(i, 1)["io:p95Latency"] = [{ "quan:smaller": `80 ${evil}` }])),
    );
    add(
      "control characters",
      `intent id ${JSON.stringify(evil)}`,
      edit("analytics-dns", (i) => (i.id = evil)),
    );
    add(
      "control characters",
      `priority ${JSON.stringify(evil)}`,
      edit("analytics-dns", (i) => (i.priority = evil)),
    );
    add(
      "control characters",
      `expectation type ${JSON.stringify(evil)}`,
      edit("analytics-dns", (i) => (exps(i)[0]!["@type"] = `icm:${evil}`)),
    );
    add(
      "control characters",
      `@id ${JSON.stringify(evil)}`,
      edit("analytics-dns", (i) => (exps(i)[0]!["@id"] = `io:${evil}`)),
    );
    add(
      "control characters",
      `Turtle with ${JSON.stringify(evil)}`,
      edit("analytics-dns", (i) => {
        (i.expression as Json)["@type"] = "TurtleExpression";
        (i.expression as Json).expressionValue = `@prefix icm: <x> . ${evil} icm:y .`;
      }),
    );
  }

  // 10. sizes: context bombs, graphs over budget, huge Turtle
  for (const n of [300, 2_000, 20_000]) {
    add(
      "size",
      `@context with ${n} terms`,
      edit("analytics-dns", (i) => {
        for (let k = 0; k < n; k++) context(i)[`t${k}`] = `https://intentops.io/ontology/v1#t${k}`;
      }),
    );
  }
  add(
    "size",
    "@context nested 40 scoped contexts",
    edit("analytics-dns", (i) => {
      let inner: Json = { io: "https://intentops.io/ontology/v1#" };
      for (let k = 0; k < 40; k++)
        inner = { [`s${k}`]: { "@id": `https://x.example/s${k}`, "@context": inner } };
      Object.assign(context(i), inner);
    }),
  );
  for (const n of [6_000, 50_000]) {
    add(
      "size",
      `Turtle with ${n} triples`,
      edit("analytics-dns", (i) => {
        (i.expression as Json)["@type"] = "TurtleExpression";
        let ttl = "@prefix e: <http://e.example/> .\n";
        for (let k = 0; k < n; k++) ttl += `e:s${k % 50} e:p e:o${k} .\n`;
        (i.expression as Json).expressionValue = ttl;
      }),
    );
  }
  add(
    "size",
    "Turtle of 1 M triples (over the byte limit)",
    (() => {
      const head = edit("analytics-dns", (i) => {
        (i.expression as Json)["@type"] = "TurtleExpression";
        (i.expression as Json).expressionValue = "@@";
      });
      return head.replace(
        '"@@"',
        JSON.stringify(
          `@prefix e: <http://e.example/> . e:s e:p ${Array.from({ length: 1_000_000 }, (_, k) => `e:o${k}`).join(",")} .`,
        ),
      );
    })(),
  );
  add(
    "size",
    "an expectation list of 5,000 sites",
    edit(
      "analytics-dns",
      (i) => (params(i, 0)["io:site"] = Array.from({ length: 5000 }, (_, k) => `site${k}`)),
    ),
  );
  add(
    "size",
    "io:tac with 5,000 values",
    edit(
      "embb-slice-edge1",
      (i) =>
        (params(i, 0)["io:tac"] = Array.from({ length: 5000 }, (_, k) => k.toString(16).padStart(4, "0"))),
    ),
  );
  for (const url of [
    "http://127.0.0.1:9/ctx.jsonld",
    "https://w3id.org/tmforum/tio.jsonld",
    "file:///etc/passwd",
  ]) {
    add(
      "size",
      `remote context ${url}`,
      edit("analytics-dns", (i) => (((i.expression as Json).expressionValue as Json)["@context"] = url)),
    );
  }

  // 11. secrets in URLs of the site registry
  const sites = readFileSync(join(ROOT, "intents", "sites.yaml"), "utf8");
  const promUrl = /url: (http:\/\/[^\s]+)/.exec(sites)?.[1] ?? "http://127.0.0.1:9090";
  for (const bad of [
    promUrl.replace("http://", "http://admin:hunter2@"),
    promUrl.replace("http://", "http://token@"),
    `${promUrl}/?access_token=abc`,
    `${promUrl}/?api_key=abc`,
    `${promUrl}/?password=abc`,
  ]) {
    add("secrets", `prometheus url ${bad.replace(/\/\/.*@/, "//…@")}`, dnsText, sites.replace(promUrl, bad));
  }
  // 12. objects another intent owns: a copy of an example under another id (and in intents/hostile.json,
  // not the owner's file) that renders one of the owner's objects or DNS records on the same site
  const owned: Array<[what: string, stem: string, change: (input: Json) => void]> = [
    [
      "the Namespace and Deployment of edge-analytics",
      "edge-analytics",
      (i) => {
        params(i, 0)["io:namespace"] = "edge-analytics";
      },
    ],
    [
      "edge-analytics' objects on edge1 only",
      "edge-analytics",
      (i) => {
        params(i, 0)["io:namespace"] = "edge-analytics";
        params(i, 0)["io:site"] = "edge1";
      },
    ],
    [
      "edge-analytics' objects on edge2 only",
      "edge-analytics",
      (i) => {
        params(i, 0)["io:namespace"] = "edge-analytics";
        params(i, 0)["io:site"] = "edge2";
      },
    ],
    [
      "the Namespace of analytics-dns",
      "edge-analytics",
      (i) => {
        params(i, 0)["io:namespace"] = "analytics-dns";
        params(i, 0)["io:site"] = "edge1";
      },
    ],
    [
      "the Namespace of embb-slice-edge1",
      "edge-analytics",
      (i) => {
        params(i, 0)["io:namespace"] = "embb-slice-edge1";
        params(i, 0)["io:site"] = "edge1";
      },
    ],
    [
      "the same DNS record under another object name",
      "analytics-dns",
      (i) => {
        params(i, 0)["io:appName"] = "copy";
      },
    ],
    [
      "the same DNS record, absolute name",
      "analytics-dns",
      (i) => {
        params(i, 0)["io:appName"] = "copy";
        params(i, 0)["io:dnsName"] = "analytics.edge.example.com.";
      },
    ],
    [
      "the same DNS record in another namespace",
      "analytics-dns",
      (i) => {
        params(i, 0)["io:namespace"] = "elsewhere";
      },
    ],
    [
      "the same DNS record with other targets",
      "analytics-dns",
      (i) => {
        params(i, 0)["io:appName"] = "copy";
        params(i, 0)["io:recordTargets"] = ["198.51.100.7"];
      },
    ],
    [
      "the NetworkSlice of embb-slice-edge1",
      "embb-slice-edge1",
      (i) => {
        params(i, 0)["io:namespace"] = "embb-slice-edge1";
      },
    ],
    [
      "the slice of urllc-service-edge2",
      "urllc-service-edge2",
      (i) => {
        params(i, 0)["io:namespace"] = "urllc-service-edge2";
      },
    ],
    ["the OpenStack stack of web-app-stack", "web-app-stack", () => undefined],
  ];
  for (const [what, stem, change] of owned) {
    for (const id of ["hostile", "aaa-alias", "zzz-alias", `${stem}-2`]) {
      cases.push({
        family: "ownership",
        name: `${id} renders ${what}`,
        intent: edit(stem, (i) => {
          i.id = id;
          change(i);
        }),
        stage: "render",
      });
    }
  }
  // 13. expansion: a small intent that renders into more than a site can take (each latency target is a
  // rule in the PrometheusRule of every site)
  for (const [key, unit, n] of <Array<[string, string, number]>>[
    ["io:p95Latency", "ms", 1200],
    ["io:p95Latency", "ms", 2400],
    ["io:errorRate", "%", 1500],
    ["io:cpuUtilization", "%", 1800],
  ]) {
    cases.push({
      family: "expansion",
      name: `${n} ${key} targets`,
      intent: edit("edge-analytics", (i) => {
        i.id = "hostile";
        params(i, 1)[key] = Array.from({ length: n }, (_, k) => ({
          "quan:smaller": `${unit === "%" ? 50 + k / 100 : 100 + k} ${unit}`,
        }));
      }),
      stage: "render",
      code: "E_GEN_TOO_LARGE",
    });
  }
  return cases;
}
