/**
 * A kubeconform-like validator: checks objects against the Kubernetes OpenAPI schemas bundled in
 * `schemas/k8s/` (offline, committed data) and against the `openAPIV3Schema` of CRDs found among the
 * same objects. A schema violation is an `error` result; a kind without any schema is a `warning`
 * (never a silent pass). Local-config objects and the Kptfile are not checked: they never reach a cluster.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import bundled from "../../schemas/k8s/kubernetes-v1.34.json" with { type: "json" };
import type { KrmFunction, KrmObject, ResourceList, Result } from "../runtime/types.js";
import { isPackageMeta, refOf } from "./readFunctionConfig.js";

/** The shape of a bundle in `schemas/k8s/`: `apiVersion/Kind` → definition name, plus the definitions. */
export interface SchemaBundle {
  kubernetesVersion: string;
  kinds: Record<string, string>;
  definitions: Record<string, unknown>;
}

/** Options of `createSchemaValidator`. */
export interface SchemaValidatorOptions {
  /** Built-in schemas; default: the bundled Kubernetes v1.34 schemas. */
  bundle?: SchemaBundle;
}

function crdSchemas(items: readonly KrmObject[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const o of items) {
    if (o.kind !== "CustomResourceDefinition" || !o.apiVersion.startsWith("apiextensions.k8s.io/")) continue;
    const spec = o["spec"] as
      | {
          group?: string;
          names?: { kind?: string };
          versions?: { name?: string; schema?: { openAPIV3Schema?: unknown } }[];
        }
      | undefined;
    for (const v of spec?.versions ?? []) {
      if (spec?.group && spec.names?.kind && v.name && v.schema?.openAPIV3Schema) {
        out.set(`${spec.group}/${v.name}/${spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }
  return out;
}

function fieldPath(error: ErrorObject): string {
  const parts = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (error.keyword === "required")
    parts.push(String((error.params as { missingProperty?: string }).missingProperty));
  return parts
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : p))
    .join(".")
    .replace(/\.\[/g, "[");
}

/**
 * Builds the validator. Compiled schemas are cached per validator instance.
 *
 * @example const validate = createSchemaValidator(); const out = await validate(rl);
 */
export function createSchemaValidator(options: SchemaValidatorOptions = {}): KrmFunction {
  const { bundle = bundled as SchemaBundle } = options;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: "k8s", definitions: bundle.definitions });
  const builtIn = new Map<string, ValidateFunction>();
  const builtInFor = (key: string): ValidateFunction | undefined => {
    const name = bundle.kinds[key];
    if (!name) return undefined;
    let fn = builtIn.get(key);
    if (!fn) {
      fn = ajv.compile({ $ref: `k8s#/definitions/${name}` });
      builtIn.set(key, fn);
    }
    return fn;
  };
  return (rl: ResourceList) => {
    const crds = crdSchemas(rl.items);
    const results: Result[] = [...(rl.results ?? [])];
    let checked = 0;
    for (const obj of rl.items) {
      if (isPackageMeta(obj)) continue;
      const key = `${obj.apiVersion}/${obj.kind}`;
      let validate = builtInFor(key);
      if (!validate && crds.has(key)) {
        try {
          validate = ajv.compile(crds.get(key) as object);
        } catch (error) {
          results.push({
            message: `the CRD schema for ${key} cannot be compiled: ${error instanceof Error ? error.message : String(error)}`,
            severity: "error",
            resourceRef: refOf(obj),
          });
          continue;
        }
      }
      if (!validate) {
        results.push({
          message: `no schema found for ${key}: not validated`,
          severity: "warning",
          resourceRef: refOf(obj),
        });
        continue;
      }
      checked++;
      if (validate(obj)) continue;
      for (const error of validate.errors ?? []) {
        results.push({
          message: `${fieldPath(error) || "<root>"}: ${error.message ?? "is invalid"}`,
          severity: "error",
          resourceRef: refOf(obj),
          field: { path: fieldPath(error) },
        });
      }
    }
    results.push({
      message: `validated ${checked} object(s) against Kubernetes ${bundle.kubernetesVersion} and CRD schemas`,
      severity: "info",
    });
    return { ...rl, results };
  };
}

/** The validator with the bundled Kubernetes schemas. */
export const validateSchemas: KrmFunction = createSchemaValidator();
