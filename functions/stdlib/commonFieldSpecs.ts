/**
 * Where labels and annotations live besides `metadata`: the field specs kustomize's `commonLabels`
 * and `commonAnnotations` use (written down from its documentation), which the catalog's set-labels
 * and set-annotations defer to. One deliberate difference: a Service's selector is only updated when
 * the Service has one (creating it would turn a selector-less Service, e.g. one with manual Endpoints,
 * into one that selects pods).
 */
import type { FieldSpec } from "./fieldSpecs.js";

const WORKLOADS = [
  { group: "apps", kind: "Deployment" },
  { group: "apps", kind: "ReplicaSet" },
  { group: "apps", kind: "DaemonSet" },
  { group: "apps", kind: "StatefulSet" },
] as const;

const AFFINITY_SELECTORS = [
  "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution[]/podAffinityTerm/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution[]/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution[]/podAffinityTerm/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution[]/labelSelector/matchLabels",
  "spec/template/spec/topologySpreadConstraints[]/labelSelector/matchLabels",
];

/** Label fields beyond `metadata/labels`. */
export const LABEL_FIELD_SPECS: readonly FieldSpec[] = [
  { version: "v1", kind: "ReplicationController", path: "spec/selector", create: true },
  { version: "v1", kind: "ReplicationController", path: "spec/template/metadata/labels", create: true },
  ...WORKLOADS.flatMap((w) => [
    { ...w, path: "spec/selector/matchLabels", create: true },
    { ...w, path: "spec/template/metadata/labels", create: true },
  ]),
  ...["Deployment", "StatefulSet"].flatMap((kind) =>
    AFFINITY_SELECTORS.map((path) => ({ group: "apps", kind, path, create: false })),
  ),
  { group: "apps", kind: "StatefulSet", path: "spec/volumeClaimTemplates[]/metadata/labels", create: true },
  { version: "v1", kind: "Service", path: "spec/selector", create: false },
  { group: "batch", kind: "Job", path: "spec/selector/matchLabels", create: false },
  { group: "batch", kind: "Job", path: "spec/template/metadata/labels", create: true },
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/spec/selector/matchLabels", create: false },
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/metadata/labels", create: true },
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/spec/template/metadata/labels", create: true },
  { group: "policy", kind: "PodDisruptionBudget", path: "spec/selector/matchLabels", create: false },
  { group: "networking.k8s.io", kind: "NetworkPolicy", path: "spec/podSelector/matchLabels", create: false },
  {
    group: "networking.k8s.io",
    kind: "NetworkPolicy",
    path: "spec/ingress[]/from[]/podSelector/matchLabels",
    create: false,
  },
  {
    group: "networking.k8s.io",
    kind: "NetworkPolicy",
    path: "spec/egress[]/to[]/podSelector/matchLabels",
    create: false,
  },
];

/** Annotation fields beyond `metadata/annotations`: pod templates and the CronJob's job template. */
export const ANNOTATION_FIELD_SPECS: readonly FieldSpec[] = [
  { version: "v1", kind: "ReplicationController", path: "spec/template/metadata/annotations", create: true },
  ...WORKLOADS.map((w) => ({ ...w, path: "spec/template/metadata/annotations", create: true })),
  { group: "batch", kind: "Job", path: "spec/template/metadata/annotations", create: true },
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/metadata/annotations", create: true },
  {
    group: "batch",
    kind: "CronJob",
    path: "spec/jobTemplate/spec/template/metadata/annotations",
    create: true,
  },
];
