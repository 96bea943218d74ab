/**
 * The two Prometheus Operator kinds the rendered application packages use (ServiceMonitor and
 * PrometheusRule, `monitoring.coreos.com/v1`), as CustomResourceDefinitions for the demo's sites. A real
 * monitored cluster has them from the operator; the demo's fresh control planes get them at start, the
 * way a platform team bootstraps a site. The schemas keep the fields open (the operator's full schemas
 * are large and are not what this demo is about), but `spec` must be an object.
 */
import type { KrmObject } from "../../functions/runtime/types.js";

function crd(kind: string, plural: string): KrmObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${plural}.monitoring.coreos.com`,
      labels: { "app.kubernetes.io/managed-by": "intentops" },
    },
    spec: {
      group: "monitoring.coreos.com",
      scope: "Namespaced",
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
              required: ["spec"],
            },
          },
        },
      ],
    },
  };
}

/** The CRDs, in the order a site applies them. */
export const MONITORING_CRDS: readonly KrmObject[] = [
  crd("PrometheusRule", "prometheusrules"),
  crd("ServiceMonitor", "servicemonitors"),
];
