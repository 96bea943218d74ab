/**
 * The precompiled README template is what the template compiles to today, and renders exactly as the
 * template compiled at run time.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { readmeTemplateSpec } from "../../functions/generators/generated/readmeTemplate.js";
import {
  buildReadmeTemplate,
  README_TEMPLATE,
  README_TEMPLATE_OPTIONS,
} from "../../functions/generators/readmeTemplate.js";

const FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../functions/generators/generated/readmeTemplate.ts",
);

describe("precompiled README template", () => {
  it("is up to date with the template (UPDATE_GOLDEN=1 rewrites it)", () => {
    const fresh = buildReadmeTemplate();
    if (process.env.UPDATE_GOLDEN) writeFileSync(FILE, fresh);
    expect(readFileSync(FILE, "utf8")).toBe(fresh);
  });

  it("renders what the template compiled at run time renders", () => {
    const h = Handlebars.create();
    const precompiled = h.template(readmeTemplateSpec as unknown as Parameters<typeof h.template>[0]);
    const compiled = h.compile(README_TEMPLATE, README_TEMPLATE_OPTIONS);
    const contexts = [
      {
        intentId: "app",
        revision: "3",
        description: "a <b>&</b> description",
        digest: "sha256:x",
        siteId: "edge1",
        siteKind: "kubernetes",
        workloads: [
          { expectationId: "e", kind: "application", objectType: "Deployment", notEnforced: ["a < 1"] },
        ],
        objects: [{ apiVersion: "v1", kind: "Service", namespace: "ns", name: "s" }],
      },
      { intentId: "bare", siteId: "s", siteKind: "openstack", workloads: [], objects: [] },
    ];
    for (const context of contexts) expect(precompiled(context)).toBe(compiled(context));
  });
});
