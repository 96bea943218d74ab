/** Fixtures for the reconciler tests: sites on the test clusters, small packages, raw API calls. */
import { Command, CommanderError } from "commander";
import { IntentopsError } from "../../compiler/errors.js";
import type { Site } from "../../compiler/types.js";
import type { KrmObject } from "../../functions/runtime/types.js";
import { register as registerAgent } from "../../pipeline/cli/commands/agent.js";
import { register as registerApply } from "../../pipeline/cli/commands/apply.js";
import { register as registerDiff } from "../../pipeline/cli/commands/diff.js";
import type { CliIo } from "../../pipeline/cli/io.js";
import type { KubeClient } from "../../pipeline/reconcile/kubeClient.js";

export function siteOf(id: string, kubeconfig: string, extra: { forceConflicts?: boolean } = {}): Site {
  return { id, kind: "kubernetes", kubernetes: { context: id, kubeconfig, ...extra } };
}

export const namespace = (name: string): KrmObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name },
});

export const configMap = (
  ns: string,
  name: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): KrmObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
  data,
});

export function deployment(
  ns: string,
  name: string,
  extra: { nodeSelector?: Record<string, string> } = {},
): KrmObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...(extra.nodeSelector ? { nodeSelector: extra.nodeSelector } : {}),
          containers: [{ name: "app", image: "registry.example.com/app:1" }],
        },
      },
    },
  };
}

/** GET an object by path; `null` when absent. */
export async function getRaw(kube: KubeClient, path: string): Promise<Record<string, unknown> | null> {
  const res = await kube.request({ method: "GET", path });
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const cmPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`;

/** `data` of a ConfigMap read with `getRaw` (empty when absent). */
export function dataOf(obj: Record<string, unknown> | null): Record<string, string> {
  return (obj?.["data"] ?? {}) as Record<string, string>;
}

/** `metadata` of an object read with `getRaw`. */
export function metaOf(obj: Record<string, unknown> | null): {
  resourceVersion?: string;
  annotations?: Record<string, string>;
} {
  return (obj?.["metadata"] ?? {}) as {
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
}

/**
 * Runs one of this area's verbs (apply, diff, agent) in-process. The program holds only these verbs, so
 * the tests do not depend on other verbs' modules; exit codes follow pipeline/cli/main.ts.
 */
export async function runVerb(argv: string[], io: CliIo): Promise<number> {
  const program = new Command("intentops").exitOverride();
  registerAgent(program, io);
  registerApply(program, io);
  registerDiff(program, io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return io.exitCode ?? 0;
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    if (error instanceof CommanderError) return 2;
    return error instanceof IntentopsError && error.code.startsWith("E_USAGE") ? 2 : 3;
  }
}
