import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generatePackage } from "../../functions/generators/index.js";
import { formatObject } from "../../functions/runtime/formatObject.js";
import { appIntent, EDGE1, field } from "./support/compiledIntent.js";

const TRICKY = ["a: b\n- c", "yes", "0123", "{x: 1}", "# comment", "'quoted'", "--- doc"];

describe("values with YAML syntax stay plain strings", () => {
  it("keeps an image name with YAML syntax as the exact string, in the object and through the formatter", () => {
    for (const image of TRICKY) {
      const pkg = generatePackage(appIntent({ containerImage: image, applicationVersion: image }), EDGE1);
      const deployment = pkg.objects.find((o) => o.kind === "Deployment");
      expect(field(deployment, "spec.template.spec.containers.0.image")).toBe(image);
      const config = pkg.objects.find((o) => o.kind === "ConfigMap");
      expect(field(config, "data.APP_VERSION")).toBe(image);
      for (const o of pkg.objects) expect(parse(formatObject(o))).toEqual(o);
    }
  });
});
