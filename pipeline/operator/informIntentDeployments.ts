/**
 * informIntentDeployments: client-node's informer over one namespace's `IntentDeployment`s (list once with
 * our client, then a watch), restarted a second after its watch ends — what the controller and
 * `serve --operator` both watch the resources with.
 */
import {
  type Informer,
  KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  type ObjectCache,
} from "@kubernetes/client-node";
import type { KubeClient } from "../reconcile/kubeClient.js";
import { intentDeploymentPath } from "./intentDeployment.js";

export interface InformOptions {
  kube: KubeClient;
  kubeconfig: string;
  context: string;
  namespace: string;
  /** True once the caller stopped (a watch ending then is not restarted). */
  stopped: () => boolean;
  log?: (line: string) => void;
}

/** @example const informer = informIntentDeployments({ kube, kubeconfig, context, namespace, stopped: () => done }); informer.on("add", see); await informer.start(); */
export function informIntentDeployments(
  options: InformOptions,
): Informer<KubernetesObject> & ObjectCache<KubernetesObject> {
  const { kube, stopped } = options;
  const kc = new KubeConfig();
  kc.loadFromFile(options.kubeconfig);
  kc.setCurrentContext(options.context);
  const path = intentDeploymentPath(options.namespace);
  const informer = makeInformer<KubernetesObject>(kc, path, async () => {
    const res = await kube.request({ method: "GET", path });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    return res.body as unknown as KubernetesListObject<KubernetesObject>;
  });
  informer.on("error", (error: unknown) => {
    if (stopped()) return;
    options.log?.(`watch of ${path} ended (${String(error)}); restarting`);
    setTimeout(() => {
      if (!stopped()) void informer.start().catch(() => undefined);
    }, 1000);
  });
  return informer;
}
