/**
 * ExternalDNS's `DNSEndpoint` kind (`externaldns.k8s.io/v1alpha1`), the object a `dnsRecord` workload
 * renders, as the CustomResourceDefinition a Kubernetes site needs before such a package applies. Written
 * from ExternalDNS's documented CRD fields (endpoints: dnsName, targets, recordType, recordTTL,
 * setIdentifier, labels, providerSpecific; status.observedGeneration, which ExternalDNS writes through the
 * status subresource). The sandbox installs it at site bootstrap, beside the monitoring CRDs.
 */
import type { KrmObject } from "../../functions/runtime/types.js";

const endpoint = {
  type: "object",
  properties: {
    dnsName: { type: "string" },
    targets: { type: "array", items: { type: "string" } },
    recordType: { type: "string" },
    recordTTL: { type: "integer", format: "int64" },
    setIdentifier: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    providerSpecific: {
      type: "array",
      items: { type: "object", properties: { name: { type: "string" }, value: { type: "string" } } },
    },
  },
};

export const DNS_ENDPOINT_CRD: KrmObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: {
    name: "dnsendpoints.externaldns.k8s.io",
    labels: { "app.kubernetes.io/managed-by": "intentops" },
    annotations: { "api-approved.kubernetes.io": "https://github.com/kubernetes/community/pull/2892" },
  },
  spec: {
    group: "externaldns.k8s.io",
    scope: "Namespaced",
    names: {
      kind: "DNSEndpoint",
      listKind: "DNSEndpointList",
      plural: "dnsendpoints",
      singular: "dnsendpoint",
    },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", properties: { endpoints: { type: "array", items: endpoint } } },
              status: {
                type: "object",
                properties: { observedGeneration: { type: "integer", format: "int64" } },
              },
            },
          },
        },
      },
    ],
  },
};
