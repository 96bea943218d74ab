/** Builds CompiledIntents for generator tests from a small description. */
import { digestJson } from "../../../compiler/digest.js";
import type {
  CompiledIntent,
  Condition,
  Context,
  IntentExpectation,
  ObjectType,
  Site,
  ValueRange,
} from "../../../compiler/types.js";
import type { WorkloadKind } from "../../../compiler/vocabulary.js";

export interface DeliverSpec {
  id: string;
  objectType?: ObjectType;
  instance?: string;
  sites: string | string[];
  kind?: WorkloadKind;
  contexts?: Record<string, ValueRange | ValueRange[]>;
}

export interface EnsureSpec {
  id: string;
  objectType?: ObjectType;
  instance?: string;
  targets: [name: string, condition: Condition, value: ValueRange | ValueRange[]][];
}

export interface IntentSpec {
  intentId?: string;
  revision?: string;
  description?: string;
  delivers: DeliverSpec[];
  ensures?: EnsureSpec[];
  /** Default: the union of the delivers' sites. */
  sites?: string[];
}

const defaultType = (kind: WorkloadKind | undefined): ObjectType =>
  kind === "slice" ? "RAN_SubNetwork" : "EdgeService_Support";

/** A CompiledIntent with one DELIVER per `delivers` entry and one ENSURE per `ensures` entry. */
export function compiledIntent(spec: IntentSpec): CompiledIntent {
  const intentId = spec.intentId ?? "demo";
  const expectations: IntentExpectation[] = [];
  for (const d of spec.delivers) {
    const sites = Array.isArray(d.sites) ? d.sites : [d.sites];
    const contexts: Context[] = [
      {
        contextAttribute: "edgeIdentificationId",
        contextCondition: sites.length === 1 ? "IS_EQUAL_TO" : "IS_ALL_OF",
        contextValueRange: sites.length === 1 ? (sites[0] as string) : sites,
      },
    ];
    if (d.kind !== undefined) {
      contexts.push({
        contextAttribute: "workloadKind",
        contextCondition: "IS_EQUAL_TO",
        contextValueRange: d.kind,
      });
    }
    for (const [attribute, value] of Object.entries(d.contexts ?? {})) {
      contexts.push({
        contextAttribute: attribute,
        contextCondition: Array.isArray(value) ? "IS_ALL_OF" : "IS_EQUAL_TO",
        contextValueRange: value,
      });
    }
    expectations.push({
      expectationId: d.id,
      expectationVerb: "DELIVER",
      expectationObject: {
        objectType: d.objectType ?? defaultType(d.kind),
        ...(d.instance === undefined ? {} : { objectInstance: d.instance }),
        objectContexts: contexts,
      },
    });
  }
  for (const e of spec.ensures ?? []) {
    expectations.push({
      expectationId: e.id,
      expectationVerb: "ENSURE",
      expectationObject: {
        objectType: e.objectType ?? "EdgeService_Support",
        ...(e.instance === undefined ? {} : { objectInstance: e.instance }),
      },
      expectationTargets: e.targets.map(([targetName, targetCondition, targetValueRange]) => ({
        targetName,
        targetCondition,
        targetValueRange,
      })),
    });
  }
  const sites =
    spec.sites ??
    [...new Set(spec.delivers.flatMap((d) => (Array.isArray(d.sites) ? d.sites : [d.sites])))].sort();
  const intent = { id: intentId, intentExpectations: expectations };
  return {
    apiVersion: "intentops.io/v1alpha1",
    kind: "CompiledIntent",
    metadata: { name: intentId },
    spec: {
      intentId,
      ...(spec.revision === undefined ? {} : { revision: spec.revision }),
      ...(spec.description === undefined ? {} : { description: spec.description }),
      intentDigest: digestJson(intent),
      sites,
      intent,
      delta: [],
    },
  };
}

export const EDGE1: Site = { id: "edge1", kind: "kubernetes", kubernetes: { context: "edge1" } };
export const EDGE2: Site = { id: "edge2", kind: "kubernetes", kubernetes: { context: "edge2" } };
export const OS1: Site = {
  id: "os1",
  kind: "openstack",
  openstack: {
    authUrl: "http://127.0.0.1:5000/v3",
    region: "RegionOne",
    projectName: "demo",
    userName: "demo",
    password: { env: "OS_PASSWORD" },
  },
};

/** The typical application of the tests. */
export function appIntent(
  contexts: Record<string, ValueRange | ValueRange[]> = {},
  targets: EnsureSpec["targets"] = [],
  sites: string | string[] = "edge1",
): CompiledIntent {
  return compiledIntent({
    delivers: [
      {
        id: "deliver-app",
        instance: "shop",
        sites,
        kind: "application",
        contexts: { applicationName: "shop", containerImage: "registry.example.com/shop:1.2.3", ...contexts },
      },
    ],
    ensures: targets.length > 0 ? [{ id: "ensure-app", instance: "shop", targets }] : [],
  });
}

/** Reads a nested field of a generated object by path, for assertions. */
export function field(obj: unknown, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The code of the error thrown by `fn`, or `"no error"`. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? "no code";
  }
  return "no error";
}

/** The error thrown by `fn`. */
export function errorOf(
  fn: () => unknown,
): Error & { code: string; subject?: string; expectationId?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error("expected an error");
}
