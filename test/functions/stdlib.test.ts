// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` is the literal kpt-set setter syntax under test
import { describe, expect, test } from "vitest";
import type { KrmObject } from "../../functions/runtime/index.js";
import { parseResourceList, renderPackage, serializeResourceList } from "../../functions/runtime/index.js";
import {
  applyReplacements,
  applySetters,
  ensureNameSubstring,
  setAnnotations,
  setLabels,
  setNamespace,
  stdlibRegistry,
  validateSchemas,
} from "../../functions/stdlib/index.js";
import { configMapConfig, kptfile, resourceList } from "./helpers.js";

const deployment = (): KrmObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "dev" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "app", image: "nginx:1" }] },
    },
  },
});
const service = (selector = true): KrmObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "dev" },
  spec: selector
    ? { selector: { app: "web" }, ports: [{ port: 80 }] }
    : { type: "ExternalName", externalName: "x.example" },
});
const codeOf = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return "no error";
};

describe("set-labels", () => {
  test("labels metadata, pod templates and selectors; a Service without selector keeps none", async () => {
    const out = await setLabels(
      resourceList([deployment(), service(), service(false)], configMapConfig({ team: "a" })),
    );
    const [d, s, ext] = out.items as [KrmObject, KrmObject, KrmObject];
    expect(d.metadata.labels).toEqual({ team: "a" });
    expect(d["spec"]).toMatchObject({
      selector: { matchLabels: { app: "web", team: "a" } },
      template: { metadata: { labels: { app: "web", team: "a" } } },
    });
    expect((s["spec"] as { selector: unknown }).selector).toEqual({ app: "web", team: "a" });
    expect((ext["spec"] as { selector?: unknown }).selector).toBeUndefined();
  });
  test("a missing config is E_FN_CONFIG", async () => {
    expect(await codeOf(() => setLabels(resourceList([deployment()])))).toBe("E_FN_CONFIG");
    expect(await codeOf(() => setLabels(resourceList([], configMapConfig({}))))).toBe("E_FN_CONFIG");
  });
});

describe("set-annotations", () => {
  test("annotates metadata and pod templates, skips local config", async () => {
    const local: KrmObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", annotations: { "config.kubernetes.io/local-config": "true" } },
    };
    const out = await setAnnotations(
      resourceList([deployment(), local], {
        apiVersion: "fn.kpt.dev/v1alpha1",
        kind: "SetAnnotations",
        metadata: { name: "x" },
        annotations: { owner: "net" },
      }),
    );
    const [d, l] = out.items as [KrmObject, KrmObject];
    expect(d.metadata.annotations).toEqual({ owner: "net" });
    expect(d["spec"]).toMatchObject({ template: { metadata: { annotations: { owner: "net" } } } });
    expect(l.metadata.annotations).toEqual({ "config.kubernetes.io/local-config": "true" });
  });
  test("a config of an unknown kind is E_FN_CONFIG", async () => {
    expect(
      await codeOf(() =>
        setAnnotations(resourceList([], { apiVersion: "v1", kind: "Secret", metadata: { name: "x" } })),
      ),
    ).toBe("E_FN_CONFIG");
  });
});

describe("set-namespace", () => {
  test("moves namespaced objects, the Namespace, SA subjects and depends-on references of the old namespace", async () => {
    const items: KrmObject[] = [
      deployment(),
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "dev" } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "r" } },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: {
          name: "rb",
          namespace: "dev",
          annotations: { "config.kubernetes.io/depends-on": "apps/namespaces/dev/Deployment/web" },
        },
        subjects: [
          { kind: "ServiceAccount", name: "sa", namespace: "dev" },
          { kind: "ServiceAccount", name: "other", namespace: "kube-system" },
          { kind: "User", name: "u" },
        ],
      },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "no-ns" } },
    ];
    const out = await setNamespace(resourceList(items, configMapConfig({ namespace: "prod" })));
    const [d, ns, cr, rb, cmNoNs] = out.items as KrmObject[];
    expect(d?.metadata.namespace).toBe("prod");
    expect(ns?.metadata.name).toBe("prod");
    expect(cr?.metadata.namespace).toBeUndefined();
    expect(rb?.["subjects"]).toEqual([
      { kind: "ServiceAccount", name: "sa", namespace: "prod" },
      { kind: "ServiceAccount", name: "other", namespace: "kube-system" },
      { kind: "User", name: "u" },
    ]);
    expect(rb?.metadata.annotations?.["config.kubernetes.io/depends-on"]).toBe(
      "apps/namespaces/prod/Deployment/web",
    );
    expect(cmNoNs?.metadata.namespace).toBe("prod");
  });
  test("namespaceMatcher limits the change to one old namespace", async () => {
    const other = { ...deployment(), metadata: { name: "x", namespace: "other" } };
    const out = await setNamespace(
      resourceList([deployment(), other], configMapConfig({ namespace: "prod", namespaceMatcher: "dev" })),
    );
    expect(out.items.map((o) => o.metadata.namespace)).toEqual(["prod", "other"]);
  });
  test("two Namespace objects to rename is an error result; a bad name is E_FN_CONFIG", async () => {
    const two = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "b" } },
    ];
    const out = await setNamespace(resourceList(two, configMapConfig({ namespace: "prod" })));
    expect(out.results?.filter((r) => r.severity === "error")).toHaveLength(2);
    expect(
      await codeOf(() => setNamespace(resourceList([], configMapConfig({ namespace: "Not_Valid" })))),
    ).toBe("E_FN_CONFIG");
  });
});

describe("apply-setters", () => {
  const text = [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items:",
    "- apiVersion: apps/v1",
    "  kind: Deployment",
    "  metadata:",
    "    name: web # kpt-set: ${app}",
    "  spec:",
    "    replicas: 1 # kpt-set: ${replicas}",
    "    image: nginx:1 # kpt-set: ${image}:${tag}",
    "    envs: # kpt-set: ${envs}",
    "    - dev",
    "    untouched: x # kpt-set: ${missing}",
    "functionConfig:",
    "  apiVersion: v1",
    "  kind: ConfigMap",
    "  metadata:",
    "    name: setters",
    "  data:",
    "    app: shop",
    '    replicas: "3"',
    "    image: redis",
    '    tag: "7"',
    "    envs: '[dev, prod]'",
    "",
  ].join("\n");
  test("sets scalars (keeping their type), templated values and whole lists; keeps the comments", async () => {
    const out = await applySetters(parseResourceList(text));
    expect(out.items[0]).toMatchObject({
      metadata: { name: "shop" },
      spec: { replicas: 3, image: "redis:7", envs: ["dev", "prod"], untouched: "x" },
    });
    const written = serializeResourceList(out);
    expect(written).toContain("replicas: 3 # kpt-set: ${replicas}");
    expect(written).toContain("name: shop # kpt-set: ${app}");
    expect(out.results?.filter((r) => r.field)).toHaveLength(4);
  });
  test("ApplySetters config and a non-list value for a list field (E_FN_CONFIG)", async () => {
    const rl = parseResourceList(text);
    rl.functionConfig = {
      apiVersion: "fn.kpt.dev/v1alpha1",
      kind: "ApplySetters",
      metadata: { name: "s" },
      setters: [{ name: "envs", value: "single" }],
    };
    expect(await codeOf(() => applySetters(rl))).toBe("E_FN_CONFIG");
  });
});

describe("apply-replacements", () => {
  const config = (replacements: unknown): KrmObject => ({
    apiVersion: "fn.kpt.dev/v1alpha1",
    kind: "ApplyReplacements",
    metadata: { name: "r" },
    replacements,
  });
  const source: KrmObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "src" },
    data: { image: "redis:7", host: "db.prod" },
  };
  test("copies a source field into targets, with list matching, delimiter/index and create", async () => {
    const out = await applyReplacements(
      resourceList(
        [source, deployment(), service()],
        config([
          {
            source: {
              kind: "ConfigMap",
              name: "src",
              fieldPath: "data.image",
              options: { delimiter: ":", index: 1 },
            },
            targets: [
              {
                select: { kind: "Deployment" },
                fieldPaths: ["spec.template.spec.containers.[name=app].image"],
                options: { delimiter: ":", index: 1 },
              },
            ],
          },
          {
            source: { kind: "ConfigMap", name: "src", fieldPath: "data.host" },
            targets: [
              {
                select: { group: "apps" },
                fieldPaths: ["metadata.annotations.db"],
                options: { create: true },
              },
              {
                select: {},
                reject: [{ kind: "ConfigMap" }, { kind: "Deployment" }],
                fieldPaths: ["metadata.labels.db"],
                options: { create: true },
              },
            ],
          },
        ]),
      ),
    );
    const [, d, s] = out.items as KrmObject[];
    expect(d?.["spec"]).toMatchObject({
      template: { spec: { containers: [{ name: "app", image: "nginx:7" }] } },
    });
    expect(d?.metadata.annotations).toEqual({ db: "db.prod" });
    expect(s?.metadata.labels).toEqual({ db: "db.prod" });
  });
  test("a source matching no object, or several, is E_FN_CONFIG", async () => {
    const rep = [{ source: { kind: "Secret" }, targets: [{ select: {}, fieldPaths: ["metadata.name"] }] }];
    expect(await codeOf(() => applyReplacements(resourceList([source], config(rep))))).toBe("E_FN_CONFIG");
    expect(await codeOf(() => applyReplacements(resourceList([source], configMapConfig({}))))).toBe(
      "E_FN_CONFIG",
    );
  });
});

describe("ensure-name-substring", () => {
  test("prepends when missing, leaves names that contain it, edits extra fields", async () => {
    const sts: KrmObject = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db" },
      spec: { serviceName: "db" },
    };
    const already: KrmObject = { apiVersion: "v1", kind: "Service", metadata: { name: "prod-web" } };
    const out = await ensureNameSubstring(
      resourceList([sts, already], {
        apiVersion: "fn.kpt.dev/v1alpha1",
        kind: "EnsureNameSubstring",
        metadata: { name: "e" },
        substring: "prod-",
        additionalNameFields: [{ kind: "StatefulSet", path: "spec/serviceName" }],
      }),
    );
    expect(out.items[0]).toMatchObject({ metadata: { name: "prod-db" }, spec: { serviceName: "prod-db" } });
    expect(out.items[1]?.metadata.name).toBe("prod-web");
    const appended = await ensureNameSubstring(
      resourceList([{ ...sts, metadata: { name: "db" } }], configMapConfig({ append: "-eu" })),
    );
    expect(appended.items[0]?.metadata.name).toBe("db-eu");
  });
  test("both prepend and append is E_FN_CONFIG", async () => {
    expect(
      await codeOf(() =>
        ensureNameSubstring(resourceList([], configMapConfig({ prepend: "a", append: "b" }))),
      ),
    ).toBe("E_FN_CONFIG");
  });
});

describe("kubeconform-like schema validation", () => {
  test("valid built-ins pass; a wrong type is an error result with the field; unknown kinds are warnings", async () => {
    const bad = deployment();
    (bad["spec"] as Record<string, unknown>)["replicas"] = "three";
    const unknown: KrmObject = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };
    const out = await validateSchemas(resourceList([deployment(), service(), bad, unknown]));
    const errors = out.results?.filter((r) => r.severity === "error") ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field?.path).toBe("spec.replicas");
    expect(out.results?.find((r) => r.severity === "warning")?.resourceRef?.kind).toBe("Widget");
  });
  test("CRDs in the same package provide schemas for their custom resources", async () => {
    const crd: KrmObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { kind: "Widget", plural: "widgets" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: {
                  spec: { type: "object", required: ["size"], properties: { size: { type: "integer" } } },
                },
              },
            },
          },
        ],
      },
    };
    const good: KrmObject = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "a" },
      spec: { size: 2 },
    };
    const bad: KrmObject = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "b" },
      spec: {},
    };
    const out = await validateSchemas(resourceList([crd, good, bad]));
    const errors = out.results?.filter((r) => r.severity === "error") ?? [];
    expect(errors.map((e) => [e.resourceRef?.name, e.field?.path])).toEqual([["b", "spec.size"]]);
    expect(out.results?.some((r) => r.severity === "warning")).toBe(false);
  });
});

describe("stdlib in a rendered package", () => {
  test("a Kptfile pipeline of catalog images runs in process, then the validator passes", async () => {
    const files = {
      Kptfile: kptfile(
        "app",
        "  mutators:\n    - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4\n      configMap:\n        namespace: prod\n    - image: set-labels\n      configMap:\n        team: net\n  validators:\n    - image: kubeconform\n",
      ),
      "deploy.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web # the app\n  namespace: dev\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: app\n        image: nginx:1\n",
    };
    const out = await renderPackage({ files, registry: stdlibRegistry });
    expect(out.ok).toBe(true);
    expect(out.ok && out.files["deploy.yaml"]).toContain(
      "name: web # the app\n  namespace: prod\n  labels:\n    team: net\n",
    );
  });
});
