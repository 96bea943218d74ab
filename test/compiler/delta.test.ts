/**
 * The delta report: nothing in the input is dropped silently. A TMF921-example-style intent (the intent
 * node keyed by its id, expectations as a map keyed by id, TMF921 envelope fields, foreign namespaces)
 * compiles, and every member the compiler did not map is named by its JSON pointer.
 */
import { describe, expect, it } from "vitest";
import { compile, EXAMPLES, problemsOf } from "./helpers.js";

const ELB = "http://www.operator.com/Catalog/EventWirelessAccess#";

/** Shaped like TMF921's Intent_create_example_01, in the intentops profile where it has to be. */
const tmfStyleIntent = {
  "@type": "Intent",
  "@schemaLocation": "https://mycsp.example.com/tmf-api/schema/Common/Intent.schema.json",
  id: "event-broadcast",
  href: "https://mycsp.example.com/tmf-api/intentManagement/v5/intent/event-broadcast",
  name: "Event live broadcast",
  version: "1",
  lifecycleStatus: "Feasibility",
  characteristic: [
    {
      id: "19997-pn",
      name: "isTimeConstrained",
      value: true,
      valueType: "boolean",
      "@type": "BooleanCharacteristic",
    },
  ],
  relatedParty: [
    {
      role: "user",
      partyOrPartyRole: {
        id: "19993",
        name: "Marcus Aurelius",
        "@type": "PartyRef",
        "@referredType": "Individual",
      },
      "@type": "RelatedPartyRefOrPartyRoleRef",
    },
  ],
  expression: {
    "@type": "JsonLdExpression",
    iri: "https://intentops.io/intents/event-broadcast",
    expressionValue: {
      "@context": {
        icm: "http://tio.models.tmforum.org/tio/v3.4.0/IntentCommonModel/",
        quan: "http://tio.models.tmforum.org/tio/v3.4.0/QuantityOntology/",
        io: "https://intentops.io/ontology/v1#",
        elb: ELB,
        idan: "http://www.idan-tmforum-catalyst.org/IntentDrivenAutonomousNetworks#",
      },
      "io:event-broadcast": {
        "@type": "icm:Intent",
        "icm:intentOwner": "idan:Salesforce",
        "icm:hasExpectation": {
          "io:Delivery_app": {
            "@type": "icm:DeliveryExpectation",
            "icm:target": "_:application",
            "idan:note": "delivered before the event",
            "icm:params": {
              "icm:targetDescription": "io:EdgeService_Support",
              "io:site": "edge1",
              "io:appName": "broadcast",
              "io:image": "registry.example.com/broadcast:2.0",
            },
          },
          "io:Property_app": {
            "@type": "icm:PropertyExpectation",
            "icm:target": "_:application",
            "icm:params": {
              "io:p95Latency": [{ "quan:smaller": "0.1 s" }],
            },
          },
          "io:Reporting": {
            "@type": "icm:ReportingExpectation",
            "icm:target": "io:event-broadcast",
            "icm:params": {
              "icm:reportingInterval": "5 min",
              "icm:reportingEvent": ["icm:StateComplies"],
              "elb:reportTo": "noc@example.com",
            },
          },
        },
      },
      "elb:venue": { "@id": "elb:stadium" },
    },
  },
};

const compiled = await compile(tmfStyleIntent);

describe("delta report", () => {
  const EV = "/expression/expressionValue";
  const NODE = `${EV}/io:event-broadcast`;
  const X = `${EV}/icm:hasExpectation`;

  it("GIVEN a TMF921-example-style intent THEN it compiles with ids from the map keys", async () => {
    expect(compiled.spec.intentId).toBe("event-broadcast");
    expect(compiled.spec.sites).toEqual(["edge1"]);
    expect(compiled.spec.intent.intentExpectations.map((e) => [e.expectationId, e.expectationVerb])).toEqual([
      ["Delivery_app", "DELIVER"],
      ["Property_app", "ENSURE"],
    ]);
    expect(compiled.spec.intent.intentExpectations[1]!.expectationTargets).toEqual([
      { targetName: "p95Latency", targetCondition: "IS_LESS_THAN", targetValueRange: 100 },
    ]);
    expect(compiled.spec.intent.observationPeriod).toBe(300);
  });

  it("GIVEN unmapped members THEN the delta report names each one along the intent's graph, sorted", () => {
    const IDAN = "http:~1~1www.idan-tmforum-catalyst.org~1IntentDrivenAutonomousNetworks#";
    const ELB_POINTER = "http:~1~1www.operator.com~1Catalog~1EventWirelessAccess#";
    expect(compiled.spec.delta.map((d) => [d.pointer, d.reason])).toEqual([
      ["/@schemaLocation", "TMF921 field with no TS 28.312 counterpart"],
      ["/characteristic", "TMF921 field with no TS 28.312 counterpart"],
      [EV, "TIO v3.4.0 terms read as the internal TIO vocabulary (icm:, quan:, log:, set:)"],
      // the document's root node (holding io:event-broadcast and elb:venue) is not the intent
      [EV, "a blank node is not reachable from the intent node; not mapped"],
      [`${X}/Delivery_app/<${IDAN}note>`, "not in a namespace this profile maps"],
      [`${X}/Reporting/icm:params/<${ELB_POINTER}reportTo>`, "reporting parameter this profile does not map"],
      [`${EV}/icm:intentOwner`, "icm:intentOwner has no TS 28.312 counterpart in this profile"],
      ["/href", "TMF921 field with no TS 28.312 counterpart"],
      ["/lifecycleStatus", 'lifecycle status "Feasibility" has no TS 28.312 admin state; ACTIVATED assumed'],
      ["/relatedParty", "TMF921 field with no TS 28.312 counterpart"],
    ]);
  });

  it("GIVEN a parameter in a vocabulary nobody mapped THEN one semantic error naming it, the known ones and the way out", async () => {
    const input = structuredClone(tmfStyleIntent);
    const params = input.expression.expressionValue["io:event-broadcast"]["icm:hasExpectation"][
      "io:Property_app"
    ]["icm:params"] as Record<string, unknown>;
    params["elb:serviceQuality"] = [{ "icm:value": "4KUHD" }];
    const problems = await problemsOf(input);
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ["E_UNMAPPED", `${NODE}/icm:hasExpectation/io:Property_app/icm:params/elb:serviceQuality`],
    ]);
    expect(problems[0]!.message).toBe(
      `parameter <${ELB}serviceQuality> is not mapped; known: io:p95Latency, io:errorRate, io:cpuUtilization, io:memoryUtilization, io:podsReady, io:throughput, io:availability, io:dlLatency, io:ulLatency, io:dlThroughputPerUe, io:ulThroughputPerUe, io:maxUes; map it in mappings.yaml beside sites.yaml (intents/README.md, "Vocabulary mappings")`,
    );
  });

  it("GIVEN unmapped members THEN each delta entry has a reason sentence", async () => {
    for (const entry of compiled.spec.delta) expect(entry.reason.length).toBeGreaterThan(10);
  });

  it("GIVEN the examples in intents/ THEN their delta reports are empty (everything is mapped)", async () => {
    for (const example of EXAMPLES) expect((await compile(example.text)).spec.delta).toEqual([]);
  });
});
