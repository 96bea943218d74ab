// Values with YAML syntax in an intent stay plain strings in the rendered YAML: the written files are
// parsed back and the fields compared with the intent's values.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { cleanupTempDirs, runRender, workspaceWithExamples } from "./helpers.js";

afterAll(cleanupTempDirs);

// Record targets may not contain whitespace (the vocabulary's pattern), so these are the YAML
// indicators, flow syntax and type-looking words that fit.
const TXT_TARGETS = [
  "key:value",
  "[a,b]",
  "{a:b}",
  "*alias",
  "&anchor",
  "!!int",
  "#comment",
  "yes",
  "off",
  "0x1F",
  "1e3",
  "0123",
  "2024-01-01",
  "-",
  "|",
  ">",
  "'q'",
  '"dq"',
  "%YAML",
  "---",
  "...",
  "@x",
  "`x`",
  "~",
  "null",
  "<<",
];
// The description allows any text: it lands in the Kptfile's info.description and the README.
const DESCRIPTION = "a: b\n- c\n# not a comment\n\"quoted\" and 'single': {x: [1, 2]}";

describe("YAML syntax in intent values", () => {
  test("TXT record targets and a multi-line description read back as the same strings", async () => {
    const dir = await workspaceWithExamples();
    const path = join(dir, "intents/analytics-dns.json");
    const intent = JSON.parse(readFileSync(path, "utf8"));
    intent.description = DESCRIPTION;
    const params = intent.expression.expressionValue["icm:hasExpectation"][0]["icm:params"];
    params["io:recordType"] = "TXT";
    params["io:recordTargets"] = TXT_TARGETS;
    writeFileSync(path, JSON.stringify(intent, null, 2));

    const run = await runRender(dir);
    expect(run.code, run.stderr).toBe(0);
    const pkg = join(dir, "rendered/edge1/analytics-dns");
    const endpointFile = readdirSync(pkg).find((f) => f.startsWith("dnsendpoint_"))!;
    // YAML 1.1 readers are the stricter test (yes/off/0123 are not strings there); `yaml` reads 1.1 too.
    for (const version of ["1.2", "1.1"] as const) {
      const endpoint = parse(readFileSync(join(pkg, endpointFile), "utf8"), { version });
      expect([...endpoint.spec.endpoints[0].targets].sort()).toEqual([...TXT_TARGETS].sort());
      const kptfile = parse(readFileSync(join(pkg, "Kptfile"), "utf8"), { version });
      expect(kptfile.info.description).toBe(`${DESCRIPTION} (intent analytics-dns, site edge1)`);
    }
  });
});
