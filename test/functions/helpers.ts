import type { KrmFunction, KrmObject, ResourceList } from "../../functions/runtime/index.js";

/** A Kptfile text with the given pipeline YAML (already indented under `pipeline:`). */
export function kptfile(name: string, pipeline = ""): string {
  return `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: ${name}\n${pipeline ? `pipeline:\n${pipeline}` : ""}`;
}

/** A ConfigMap YAML document. */
export function cm(name: string, extra = ""): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
}

/** A function that records the ResourceLists it receives and otherwise returns them unchanged. */
export function recorder(seen: ResourceList[]): KrmFunction {
  return (rl) => {
    seen.push(structuredClone(rl));
    return rl;
  };
}

/** A mutator that adds a label to every object except the Kptfile. */
export function labeller(key: string, value: string): KrmFunction {
  return (rl) => {
    for (const o of rl.items) {
      if (o.kind === "Kptfile") continue;
      o.metadata.labels = { ...(o.metadata.labels ?? {}), [key]: value };
    }
    return rl;
  };
}

/** `Kind/name` of the objects in a list, for compact assertions. */
export function names(items: readonly KrmObject[]): string[] {
  return items.map((o) => `${o.kind}/${o.metadata.name}`);
}

/** A ResourceList for unit tests. */
export function resourceList(items: KrmObject[], functionConfig?: KrmObject): ResourceList {
  return {
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items,
    ...(functionConfig ? { functionConfig } : {}),
  };
}

/** A ConfigMap functionConfig as `kpt fn eval -- k=v` makes it. */
export function configMapConfig(data: Record<string, string>): KrmObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "function-input" }, data };
}
