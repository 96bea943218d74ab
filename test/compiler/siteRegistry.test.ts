/** parseSiteRegistry: the registry is input too, and gets the same treatment as intents. */
import { describe, expect, it } from "vitest";
import { InvalidInputError, type Problem } from "../../compiler/errors.js";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import { expectReadable, REGISTRY_TEXT } from "./helpers.js";

function registryProblems(text: string): { error: InvalidInputError; problems: readonly Problem[] } {
  let thrown: unknown;
  try {
    parseSiteRegistry(text, "intents/sites.yaml");
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidInputError);
  const error = thrown as InvalidInputError;
  for (const problem of error.problems) {
    expectReadable(problem.message);
    expect(problem.file).toBe("intents/sites.yaml");
  }
  return { error, problems: error.problems };
}

const PASSWORD_REF = "      password:\n        env: OS_PASSWORD\n";

describe("parseSiteRegistry", () => {
  it("GIVEN intents/sites.yaml THEN it parses to the three sites", () => {
    const registry = parseSiteRegistry(REGISTRY_TEXT);
    expect(registry.sites.map((s) => [s.id, s.kind])).toEqual([
      ["edge1", "kubernetes"],
      ["edge2", "kubernetes"],
      ["openstack1", "openstack"],
    ]);
  });

  it("GIVEN an inline password THEN it is refused and the secret is not repeated anywhere", () => {
    expect(REGISTRY_TEXT).toContain(PASSWORD_REF);
    const { error, problems } = registryProblems(
      REGISTRY_TEXT.replace(PASSWORD_REF, '      password: "hunter2"\n'),
    );
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([["E_SHAPE", "/sites/2/openstack/password"]]);
    expect(JSON.stringify(problems)).not.toContain("hunter2");
    expect(error.message).not.toContain("hunter2");
  });

  it("GIVEN a token next to the kubernetes context THEN it is refused as an unknown field", () => {
    const { problems } = registryProblems(
      REGISTRY_TEXT.replace("context: edge1\n", "context: edge1\n      token: s3cr3t-token\n"),
    );
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ["E_UNKNOWN_FIELD", "/sites/0/kubernetes/token"],
    ]);
    expect(JSON.stringify(problems)).not.toContain("s3cr3t-token");
  });

  it("GIVEN two sites with the same id THEN the second is reported", () => {
    const { problems } = registryProblems(REGISTRY_TEXT.replace("- id: edge2", "- id: edge1"));
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([["E_DUPLICATE_ID", "/sites/1/id"]]);
  });

  it("GIVEN malformed YAML THEN E_SYNTAX", () => {
    const { problems } = registryProblems(REGISTRY_TEXT.replace("kind: SiteRegistry", "kind: [SiteRegistry"));
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([["E_SYNTAX", ""]]);
  });

  it("GIVEN a duplicate key THEN E_SYNTAX", () => {
    const { problems } = registryProblems(
      REGISTRY_TEXT.replace("kind: SiteRegistry", "kind: SiteRegistry\nkind: Other"),
    );
    expect(problems.map((p) => p.code)).toEqual(["E_SYNTAX"]);
  });

  it("GIVEN a site of an unknown kind and a bad id THEN both are reported", () => {
    const { problems } = registryProblems(
      REGISTRY_TEXT.replace("- id: edge1\n    kind: kubernetes", "- id: Edge_1\n    kind: vmware"),
    );
    expect(problems.map((p) => [p.code, p.pointer])).toEqual(
      expect.arrayContaining([
        ["E_PATTERN", "/sites/0/id"],
        ["E_ENUM", "/sites/0/kind"],
      ]),
    );
  });

  it("GIVEN prometheus.siteLabel as a label name or null THEN it is kept; an invalid label name is refused", () => {
    const at = "    prometheus:\n      url: http://127.0.0.1:9090\n";
    expect(REGISTRY_TEXT.split(at)).toHaveLength(3);
    const [head, first, rest] = REGISTRY_TEXT.split(at) as [string, string, string];
    const registry = parseSiteRegistry(
      `${head}${at}      siteLabel: cluster\n${first}${at}      siteLabel: null\n${rest}`,
    );
    expect(registry.sites.map((s) => s.prometheus?.siteLabel)).toEqual(["cluster", null, undefined]);
    const { problems } = registryProblems(`${head}${at}      siteLabel: bad-name\n${first}${at}${rest}`);
    expect(problems.map((p) => p.pointer)).toEqual(["/sites/0/prometheus/siteLabel"]);
  });
});
