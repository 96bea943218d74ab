/**
 * Bad input gets a clear error and nothing else: every case below must throw an `InvalidInputError` whose
 * problems are exactly the listed (code, pointer) pairs, each with a readable one-line message.
 */
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../compiler/errors.js";
import { compile, example, exampleJson, expectReadable, problemsOf } from "./helpers.js";

type Json = Record<string, unknown>;
type Params = Record<string, unknown>;

const EV = "/expression/expressionValue";
const X = (i: number) => `${EV}/icm:hasExpectation/${i}`;
const PARAM = (i: number, key: string) => `${X(i)}/icm:params/${key}`;

function expressionValue(input: Json): Json {
  return (input.expression as Json).expressionValue as Json;
}
function expectations(input: Json): Json[] {
  return expressionValue(input)["icm:hasExpectation"] as Json[];
}
function params(input: Json, i: number): Params {
  return expectations(input)[i]!["icm:params"] as Params;
}

/** An example intent, changed by `change`. */
function from(stem: string, change: (input: Json) => void): Json {
  const input = exampleJson(stem);
  change(input);
  return input;
}

/**
 * An example with only its DeliveryExpectation, changed by `change`. (With the PropertyExpectation kept, an
 * error in the delivery also yields a spurious E_UNKNOWN_TARGET: see bugs.test.ts.)
 */
function deliveryOnly(stem: string, change: (p: Params) => void): Json {
  return from(stem, (input) => {
    expressionValue(input)["icm:hasExpectation"] = [expectations(input)[0]];
    change(params(input, 0));
  });
}

/** edge-analytics' application delivery alone, changed by `change`. */
function application(change: (p: Params) => void): Json {
  return deliveryOnly("edge-analytics", change);
}

/** edge-analytics with a change in its PropertyExpectation (the second expectation). */
function slo(change: (p: Params) => void): Json {
  return from("edge-analytics", (input) => change(params(input, 1)));
}

/** Nests `levels` arrays inside the example's description-free envelope. */
function deep(levels: number): Json {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return from("analytics-dns", (input) => {
    input.characteristic = value;
  });
}

interface Case {
  name: string;
  input: unknown;
  problems: Array<[code: string, pointer: string]>;
  options?: Parameters<typeof compile>[1];
}

const dnsText = example("analytics-dns").text;

const CASES: Case[] = [
  // ---- the text itself
  { name: "malformed JSON (missing comma)", input: '{\n  "a": 1\n  "b": 2\n}', problems: [["E_SYNTAX", ""]] },
  { name: "truncated JSON", input: dnsText.slice(0, 200), problems: [["E_SYNTAX", ""]] },
  { name: "empty input", input: "", problems: [["E_SYNTAX", ""]] },
  {
    name: "a NUL character in the text",
    input: dnsText.replace('"1"', '"1\u0000"'),
    problems: [["E_SYNTAX", ""]],
  },
  {
    name: "input over the size limit",
    input: dnsText,
    options: { limits: { maxBytes: 100 } },
    problems: [["E_TOO_LARGE", ""]],
  },
  {
    name: "nesting over the depth limit",
    input: deep(9),
    options: { limits: { maxDepth: 8 } },
    problems: [["E_TOO_DEEP", "/characteristic/0/0/0/0/0/0/0"]],
  },
  // ---- the TMF921 envelope
  { name: "not an object (array)", input: "[]", problems: [["E_TYPE", ""]] },
  { name: "not an object (string)", input: '"intent"', problems: [["E_TYPE", ""]] },
  { name: "not an object (null)", input: "null", problems: [["E_TYPE", ""]] },
  {
    name: "name is a number",
    input: from("analytics-dns", (i) => (i.name = 42)),
    problems: [["E_TYPE", "/name"]],
  },
  {
    name: "missing name",
    input: from("analytics-dns", (i) => delete i.name),
    problems: [["E_REQUIRED", "/name"]],
  },
  {
    name: "missing expression",
    input: from("analytics-dns", (i) => delete i.expression),
    problems: [["E_REQUIRED", "/expression"]],
  },
  {
    name: "missing expression iri",
    input: from("analytics-dns", (i) => delete (i.expression as Json).iri),
    problems: [["E_REQUIRED", "/expression/iri"]],
  },
  {
    name: "wrong @type",
    input: from("analytics-dns", (i) => (i["@type"] = "IntentSpecification")),
    problems: [["E_ENUM", "/@type"]],
  },
  {
    name: "wrong expression @type",
    input: from("analytics-dns", (i) => ((i.expression as Json)["@type"] = "XmlExpression")),
    problems: [["E_ENUM", "/expression/@type"]],
  },
  {
    name: "a TurtleExpression whose value is not Turtle text",
    input: from("analytics-dns", (i) => ((i.expression as Json)["@type"] = "TurtleExpression")),
    problems: [["E_TYPE", "/expression/expressionValue"]],
  },
  ...["0", "101", "whenever", "1.5"].map(
    (priority): Case => ({
      name: `priority "${priority}"`,
      input: from("analytics-dns", (i) => (i.priority = priority)),
      problems: [["E_RANGE", "/priority"]],
    }),
  ),
  {
    name: "priority as a number",
    input: from("analytics-dns", (i) => (i.priority = 5)),
    problems: [["E_TYPE", "/priority"]],
  },
  ...["../etc", "a/b", "x\u0000y", "Upper", "a".repeat(64), "-lead"].map(
    (id): Case => ({
      name: `unsafe intent id ${JSON.stringify(id)}`,
      input: from("analytics-dns", (i) => (i.id = id)),
      problems: [["E_UNSAFE_ID", "/id"]],
    }),
  ),
  {
    name: "no id and a name without letters or digits",
    input: from("analytics-dns", (i) => {
      delete i.id;
      i.name = "!!!";
    }),
    problems: [["E_UNSAFE_ID", "/name"]],
  },
  // ---- prototype pollution
  {
    name: "__proto__ key at the top",
    input: dnsText.replace('"version"', '"__proto__": { "polluted": true }, "version"'),
    problems: [["E_FORBIDDEN_KEY", "/__proto__"]],
  },
  {
    name: "constructor key in the params",
    input: dnsText.replace('"io:site"', '"constructor": { "prototype": {} }, "io:site"'),
    problems: [["E_FORBIDDEN_KEY", `${PARAM(0, "constructor")}`]],
  },
  {
    name: "prototype key in an expectation",
    input: dnsText.replace('"icm:target"', '"prototype": 1, "icm:target"'),
    problems: [["E_FORBIDDEN_KEY", `${X(0)}/prototype`]],
  },
  // ---- the expression's structure
  {
    name: "no icm:Intent node",
    input: from("analytics-dns", (i) => (expressionValue(i)["@type"] = "icm:Something")),
    problems: [["E_NO_INTENT_NODE", EV]],
  },
  {
    name: "no icm:hasExpectation",
    input: from("analytics-dns", (i) => delete expressionValue(i)["icm:hasExpectation"]),
    problems: [["E_REQUIRED", `${EV}/icm:hasExpectation`]],
  },
  {
    name: "unknown expectation type",
    input: from("analytics-dns", (i) => (expectations(i)[0]!["@type"] = "icm:WishExpectation")),
    problems: [["E_UNKNOWN_EXPECTATION", `${X(0)}/@type`]],
  },
  {
    name: "unsafe expectation id",
    input: from("analytics-dns", (i) => (expectations(i)[0]!["@id"] = "io:two words")),
    problems: [["E_UNSAFE_ID", `${X(0)}/@id`]],
  },
  {
    name: "duplicate expectation ids",
    input: from("edge-analytics", (i) => (expectations(i)[1]!["@id"] = "io:deliver-analytics")),
    problems: [["E_DUPLICATE_ID", `${X(1)}/@id`]],
  },
  {
    name: "property expectation targeting an undelivered target",
    input: from("edge-analytics", (i) => (expectations(i)[1]!["icm:target"] = "io:somewhere-else")),
    problems: [["E_UNKNOWN_TARGET", `${X(1)}/icm:target`]],
  },
  // ---- delivery parameters
  {
    name: "unknown object type",
    input: application((p) => (p["icm:targetDescription"] = "io:Nonsense")),
    problems: [["E_UNKNOWN_OBJECT_TYPE", PARAM(0, "icm:targetDescription")]],
  },
  {
    name: "unknown io: parameter",
    input: application((p) => (p["io:replicaCount"] = 3)),
    problems: [["E_UNKNOWN_PARAM", PARAM(0, "io:replicaCount")]],
  },
  {
    name: "slice parameter on an EdgeService_Support",
    input: application((p) => (p["io:sliceType"] = "eMBB")),
    problems: [["E_PARAM_NOT_APPLICABLE", PARAM(0, "io:sliceType")]],
  },
  {
    name: "application parameter on a dnsRecord",
    input: from("analytics-dns", (i) => (params(i, 0)["io:replicas"] = 2)),
    problems: [["E_PARAM_NOT_APPLICABLE", PARAM(0, "io:replicas")]],
  },
  {
    name: "unknown workload kind",
    input: from("analytics-dns", (i) => {
      params(i, 0)["io:workload"] = "lambda";
      for (const key of ["io:appName", "io:dnsName", "io:recordType", "io:recordTargets", "io:ttl"])
        delete params(i, 0)[key];
    }),
    problems: [["E_ENUM", PARAM(0, "io:workload")]],
  },
  {
    name: "missing io:site",
    input: application((p) => delete p["io:site"]),
    problems: [["E_REQUIRED", PARAM(0, "io:site")]],
  },
  ...[-1, 1.5, 5000].map(
    (replicas): Case => ({
      name: `replicas ${replicas}`,
      input: application((p) => (p["io:replicas"] = replicas)),
      problems: [["E_RANGE", PARAM(0, "io:replicas")]],
    }),
  ),
  {
    name: 'replicas "three"',
    input: application((p) => (p["io:replicas"] = "three")),
    problems: [["E_VALUE", PARAM(0, "io:replicas")]],
  },
  {
    name: 'replicas "3 pods" (a count takes no unit)',
    input: application((p) => (p["io:replicas"] = "3 pods")),
    problems: [["E_UNIT", PARAM(0, "io:replicas")]],
  },
  {
    name: "port 70000",
    input: application((p) => (p["io:port"] = 70000)),
    problems: [["E_RANGE", PARAM(0, "io:port")]],
  },
  {
    name: "image with spaces",
    input: application((p) => (p["io:image"] = "my image")),
    problems: [["E_PATTERN", PARAM(0, "io:image")]],
  },
  {
    name: "unknown site",
    input: application((p) => (p["io:site"] = ["edge1", "mars"])),
    problems: [["E_UNKNOWN_SITE", PARAM(0, "io:site")]],
  },
  {
    name: "a site that is not a DNS label in the list",
    input: application((p) => (p["io:site"] = ["edge1", "Edge 2"])),
    problems: [["E_PATTERN", `${PARAM(0, "io:site")}/0`]],
  },
  {
    name: "webAppStack on a kubernetes site",
    input: deliveryOnly("web-app-stack", (p) => (p["io:site"] = "edge1")),
    problems: [["E_SITE_KIND", PARAM(0, "io:site")]],
  },
  {
    name: "application on an openstack site",
    input: application((p) => (p["io:site"] = "openstack1")),
    problems: [["E_SITE_KIND", PARAM(0, "io:site")]],
  },
  {
    name: "ttl with an unknown unit",
    input: from("analytics-dns", (i) => (params(i, 0)["io:ttl"] = "5 fortnights")),
    problems: [["E_UNIT", PARAM(0, "io:ttl")]],
  },
  {
    name: "ttl that is not a whole number of seconds",
    input: from("analytics-dns", (i) => (params(i, 0)["io:ttl"] = "1500 ms")),
    problems: [["E_RANGE", PARAM(0, "io:ttl")]],
  },
  {
    name: "PLMN id with a 2-digit mcc",
    input: deliveryOnly("embb-slice-edge1", (p) => (p["io:plmn"] = { "io:mcc": "01", "io:mnc": "01" })),
    problems: [["E_PATTERN", `${PARAM(0, "io:plmn")}/io:mcc`]],
  },
  {
    name: "tier with an unknown field",
    input: deliveryOnly("web-app-stack", (p) => {
      ((p["io:tiers"] as Json)["@list"] as Json[])[0]!["io:colour"] = "blue";
    }),
    problems: [["E_UNKNOWN_FIELD", `${PARAM(0, "io:tiers")}/@list/0/io:colour`]],
  },
  // ---- property parameters and conditions
  {
    name: 'latency in "parsecs"',
    input: slo((p) => (p["io:p95Latency"] = [{ "quan:smaller": "100 parsecs" }])),
    problems: [["E_UNIT", `${PARAM(1, "io:p95Latency")}/0/quan:smaller`]],
  },
  {
    name: "latency as a bare number",
    input: slo((p) => (p["io:p95Latency"] = [{ "quan:smaller": 100 }])),
    problems: [["E_UNIT", `${PARAM(1, "io:p95Latency")}/0/quan:smaller`]],
  },
  {
    name: "percentage above 100",
    input: slo((p) => (p["io:errorRate"] = [{ "quan:smaller": "101 %" }])),
    problems: [["E_RANGE", `${PARAM(1, "io:errorRate")}/0/quan:smaller`]],
  },
  {
    name: "negative latency",
    input: slo((p) => (p["io:p95Latency"] = [{ "quan:smaller": "-5 ms" }])),
    problems: [["E_RANGE", `${PARAM(1, "io:p95Latency")}/0/quan:smaller`]],
  },
  {
    name: "range with min > max",
    input: slo(
      (p) => (p["io:p95Latency"] = [{ "quan:inRange": { "quan:min": "200 ms", "quan:max": "0.1 s" } }]),
    ),
    problems: [["E_RANGE", `${PARAM(1, "io:p95Latency")}/0/quan:inRange`]],
  },
  {
    name: "unknown condition key",
    input: slo((p) => (p["io:p95Latency"] = [{ "quan:roughly": "100 ms" }])),
    problems: [["E_CONDITION", `${PARAM(1, "io:p95Latency")}/0/quan:roughly`]],
  },
  {
    name: "two conditions in one object",
    input: slo((p) => (p["io:p95Latency"] = [{ "quan:smaller": "100 ms", "icm:atMost": "90 ms" }])),
    problems: [["E_CONDITION", PARAM(1, "io:p95Latency")]],
  },
  {
    name: "DlLatency with quan:greater",
    input: from("embb-slice-edge1", (i) => (params(i, 1)["io:dlLatency"] = [{ "quan:greater": "5 ms" }])),
    problems: [["E_CONDITION", `${PARAM(1, "io:dlLatency")}/0/quan:greater`]],
  },
  {
    name: "DlLatency that is not a whole number of ms",
    input: from("embb-slice-edge1", (i) => (params(i, 1)["io:dlLatency"] = [{ "quan:smaller": "2.5 ms" }])),
    problems: [["E_RANGE", `${PARAM(1, "io:dlLatency")}/0/quan:smaller`]],
  },
  {
    name: "edge-only property on a slice",
    input: from("embb-slice-edge1", (i) => (params(i, 1)["io:p95Latency"] = [{ "quan:smaller": "5 ms" }])),
    problems: [["E_PARAM_NOT_APPLICABLE", PARAM(1, "io:p95Latency")]],
  },
  {
    name: "unknown io: property",
    input: slo((p) => (p["io:happiness"] = [{ "icm:atLeast": "90 %" }])),
    problems: [["E_UNKNOWN_PARAM", PARAM(1, "io:happiness")]],
  },
  {
    name: "reporting interval of 0 s",
    input: from("edge-analytics", (i) => (params(i, 2)["icm:reportingInterval"] = "0 s")),
    problems: [["E_RANGE", PARAM(2, "icm:reportingInterval")]],
  },
  // ---- names in an undeclared namespace are foreign, so the required io: parameters are missing
];

describe("bad input: one InvalidInputError with exactly the expected problems", () => {
  it("GIVEN the table THEN it has at least 30 cases", async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const problems = await problemsOf(c.input, c.options);
    expect(problems.map((p) => [p.code, p.pointer])).toEqual(c.problems);
    for (const problem of problems) {
      expectReadable(problem.message);
      expect(problem.pointer === "" || problem.pointer.startsWith("/")).toBe(true);
    }
  });
});

describe("bad input: details", () => {
  it("GIVEN io: keys without io in @context THEN every parameter is an unmapped IRI (scheme io:), refused", async () => {
    const input = from("analytics-dns", (i) => delete (expressionValue(i)["@context"] as Json).io);
    const problems = await problemsOf(input);
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set(["E_UNMAPPED"]));
    expect(problems.map((p) => p.pointer)).toContain(PARAM(0, "io:site"));
    for (const problem of problems)
      expect(problem.message).toMatch(/is not mapped; known: .*mappings\.yaml beside sites\.yaml/);
  });

  it("GIVEN a file name THEN every problem names the file and the error's message names it too", async () => {
    let thrown: unknown;
    try {
      await compile(
        application((p) => (p["io:port"] = 70000)),
        { file: "intents/x.json" },
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    const error = thrown as InvalidInputError;
    expect(error.code).toBe("E_INVALID_INPUT");
    expect(error.problems.map((p) => p.file)).toEqual(["intents/x.json"]);
    expect(error.message).toContain("intents/x.json");
  });

  it("GIVEN an unknown site THEN the message names the known sites", async () => {
    const [problem] = await problemsOf(application((p) => (p["io:site"] = "mars")));
    expect(problem!.message).toContain("edge1, edge2, openstack1");
  });

  it("GIVEN a __proto__ key THEN Object.prototype is not polluted", async () => {
    await problemsOf(dnsText.replace('"version"', '"__proto__": { "pollutedByTest": true }, "version"'));
    expect(({} as Record<string, unknown>).pollutedByTest).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("pollutedByTest");
  });

  it("GIVEN a JSON syntax error with a position THEN the message gives line and column", async () => {
    const [problem] = await problemsOf('{\n  "a": 1\n  "b": 2\n}');
    expect(problem!.message).toMatch(/line 3, column \d+/);
  });

  // More combinations (a delivery error next to a property error, a site next to anything) are in
  // bugs.test.ts: those are not all reported today.
  it("GIVEN envelope and delivery errors THEN all are reported at once", async () => {
    const input = deliveryOnly("edge-analytics", (p) => {
      p["io:port"] = 70000;
      p["io:image"] = "my image";
      p["io:bogus"] = 1;
    });
    input.priority = "whenever";
    delete input.name;
    expect((await problemsOf(input)).map((p) => [p.code, p.pointer])).toEqual([
      ["E_REQUIRED", "/name"],
      ["E_RANGE", "/priority"],
      // parameters in name order (a graph's members have no order)
      ["E_UNKNOWN_PARAM", PARAM(0, "io:bogus")],
      ["E_PATTERN", PARAM(0, "io:image")],
      ["E_RANGE", PARAM(0, "io:port")],
    ]);
  });

  it("GIVEN envelope and property errors THEN all are reported at once", async () => {
    const input = slo((p) => {
      p["io:errorRate"] = [{ "quan:smaller": "101 %" }];
      p["io:p95Latency"] = [{ "quan:smaller": "100 parsecs" }];
    });
    input.priority = "0";
    expect((await problemsOf(input)).map((p) => [p.code, p.pointer])).toEqual([
      ["E_RANGE", "/priority"],
      ["E_RANGE", `${PARAM(1, "io:errorRate")}/0/quan:smaller`],
      ["E_UNIT", `${PARAM(1, "io:p95Latency")}/0/quan:smaller`],
    ]);
  });
});
