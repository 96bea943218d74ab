/**
 * The one selector builder of the SLO queries: which series belong to the workload, decided only from the
 * labels the exporters of a real cluster carry.
 *
 * - kube-state-metrics: `namespace`, `pod`, `deployment`, `replicaset`, `owner_kind`/`owner_name`, and the
 *   pod's labels as `label_<sanitised name>` on `kube_pod_labels` (only the labels its
 *   `--metric-labels-allowlist` lets through);
 * - the kubelet's resource metrics (cAdvisor): `namespace`, `pod`, `container`;
 * - an instrumented application scraped through its ServiceMonitor: the target labels the Prometheus
 *   Operator adds from discovery, `namespace` and `pod` among them.
 *
 * The workload's pods are the pods whose owner ReplicaSet is owned by the Deployment (`kube_pod_owner` ⋈
 * `kube_replicaset_owner`), narrowed to one revision by the pod template label `intentops.io/revision`
 * (`kube_pod_labels`). Every per-pod series is joined to that pod set on (`site`,) `namespace`, `pod`.
 * Nothing is read from labels that only intentops would put on a series, so a Deployment applied by hand
 * is found the same way.
 *
 * In a Prometheus shared by several sites each scrape job adds the target label `site`; with one
 * Prometheus per site there is no such label and `siteLabel` is `null`.
 */
import { labelValue } from "../generators/dnsLabel.js";
import { quotePromString } from "./quotePromString.js";
import { SloError } from "./SloError.js";
import type { SloIdentity } from "./types.js";

/** Where the identity is found; every field has a default. */
export interface SloSelectorOptions {
  /** Target label telling sites apart in a shared Prometheus; `null`: one Prometheus per site. Default `site`. */
  siteLabel?: string | null;
  /** Pod template label holding the revision. Default `intentops.io/revision`. */
  revisionPodLabel?: string;
}

/** Defaults of `SloSelectorOptions`. */
export const DEFAULT_SLO_SELECTOR: Readonly<Required<SloSelectorOptions>> = Object.freeze({
  siteLabel: "site",
  revisionPodLabel: "intentops.io/revision",
});

/** The pieces every query is made of. */
export interface SloSelector {
  /** Matchers on site and namespace, plus `extra` (already PromQL matchers), for inside `{…}`. */
  matchers(extra?: string): string;
  /** The join key of per-pod series: `site, namespace, pod` (without `site` when there is no site label). */
  podKey: string;
  /** One series of value 1 per pod of the workload (and revision), labelled with `podKey` only. */
  pods: string;
  /** `expr` restricted to the workload's pods: `expr * on (podKey) group_left () (pods)`. */
  ofPods(expr: string): string;
  /** Matchers of the Deployment's own kube-state-metrics series (`deployment="…"`), for inside `{…}`. */
  deployment: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * kube-state-metrics' label sanitisation: `label_` + the Kubernetes label key with every character
 * outside `[a-zA-Z0-9_]` replaced by `_` (`intentops.io/revision` → `label_intentops_io_revision`).
 */
export function kubeStateLabelName(key: string): string {
  return `label_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/**
 * Builds the selector of `identity`.
 *
 * @throws SloError `E_SLO_INVALID_IDENTITY` when site, namespace or workload is empty, or the site label
 *   name is not a Prometheus label name
 * @example buildSelector({ site: "edge1", namespace: "shop", workload: "cart", revision: "3" }).pods
 *   // → '(max by (site, namespace, pod) (kube_pod_owner{site="edge1",namespace="shop",owner_kind="ReplicaSet"}
 *   //     * on (site, namespace, owner_name) group_left () …) and on (site, namespace, pod)
 *   //     kube_pod_labels{site="edge1",namespace="shop",label_intentops_io_revision="3"})'
 */
export function buildSelector(identity: SloIdentity, options: SloSelectorOptions = {}): SloSelector {
  const { siteLabel, revisionPodLabel } = { ...DEFAULT_SLO_SELECTOR, ...options };
  const subject = `${identity.site}/${identity.namespace}/${identity.workload}`;
  if (siteLabel !== null && !LABEL_NAME.test(siteLabel)) {
    throw new SloError("E_SLO_INVALID_IDENTITY", `label name ${JSON.stringify(siteLabel)} is not valid`, {
      subject,
    });
  }
  // Every field but the revision must be known, or the query could measure some other workload and pass
  // on its behalf; no revision means "any revision" (a workload nobody rendered has none).
  for (const field of ["site", "namespace", "workload"] as const) {
    if (identity[field] === "") {
      throw new SloError("E_SLO_INVALID_IDENTITY", `identity field ${field} is empty`, { subject });
    }
  }
  const base = [
    ...(siteLabel !== null ? [`${siteLabel}=${quotePromString(identity.site)}`] : []),
    `namespace=${quotePromString(identity.namespace)}`,
  ].join(",");
  const matchers = (extra?: string) => (extra ? `${base},${extra}` : base);
  const key = (last: string) => [...(siteLabel !== null ? [siteLabel] : []), "namespace", last].join(", ");
  const podKey = key("pod");
  const ownerKey = key("owner_name");
  const workload = quotePromString(identity.workload);
  const replicaSets =
    `max by (${ownerKey}) (label_replace(kube_replicaset_owner{${matchers(`owner_kind="Deployment",owner_name=${workload}`)}}, ` +
    `"owner_name", "$1", "replicaset", "(.+)"))`;
  const owned =
    `max by (${podKey}) (kube_pod_owner{${matchers('owner_kind="ReplicaSet"')}} ` +
    `* on (${ownerKey}) group_left () ${replicaSets})`;
  const pods =
    identity.revision === undefined
      ? `(${owned})`
      : `(${owned} and on (${podKey}) kube_pod_labels{${matchers(
          // The value as the pod template carries it: generateApplication writes the revision through
          // labelValue (a revision that is not a valid label value is shortened and trimmed there).
          `${kubeStateLabelName(revisionPodLabel)}=${quotePromString(labelValue(identity.revision))}`,
        )}})`;
  return {
    matchers,
    podKey,
    pods,
    ofPods: (expr) => `${expr} * on (${podKey}) group_left () ${pods}`,
    deployment: matchers(`deployment=${workload}`),
  };
}
