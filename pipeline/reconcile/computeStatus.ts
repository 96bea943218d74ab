/**
 * Health of one live object by the kstatus rules (sigs.k8s.io/cli-utils/pkg/kstatus, read for its
 * rules, not its code): `Current` (reconciled and ready), `InProgress` (getting there), `Failed`
 * (will not get there without a change), `Terminating`, `NotFound`. Pure: takes the object, returns data.
 *
 * One rule kstatus does not have: a HorizontalPodAutoscaler is InProgress until its desired replica count
 * lies within the bounds it was given. Until then it has not acted on a newly applied `minReplicas` (its
 * controller syncs every 15 s), so the Deployment it scales still runs the old count and looks Current — a
 * verification started then measures the old replica count (a raised minimum after a CPU breach read the
 * same three overloaded pods again and scaled a second time). An HPA that cannot compute a count (no
 * metrics API) is judged by its target's replica count instead, which it still keeps within the bounds.
 */

export type HealthStatus = "Current" | "InProgress" | "Failed" | "Terminating" | "NotFound";

export interface ObjectStatus {
  status: HealthStatus;
  message: string;
}

type Obj = Record<string, unknown>;

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

const num = (v: unknown, fallback = 0): number => (typeof v === "number" ? v : fallback);
const rec = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

function conditionsOf(obj: Obj): Condition[] {
  const list = rec(obj["status"])["conditions"];
  return Array.isArray(list) ? (list.filter((c) => c && typeof c === "object") as Condition[]) : [];
}

function condition(obj: Obj, type: string): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

const current = (message = "Resource is current"): ObjectStatus => ({ status: "Current", message });
const inProgress = (message: string): ObjectStatus => ({ status: "InProgress", message });
const failed = (message: string): ObjectStatus => ({ status: "Failed", message });

/**
 * The kstatus of `live` (`null` when it does not exist).
 *
 * @example computeStatus({ apiVersion: "v1", kind: "Namespace", metadata: {}, status: { phase: "Active" } }).status === "Current"
 */
export function computeStatus(live: Obj | null): ObjectStatus {
  if (!live) return { status: "NotFound", message: "Resource not found" };
  const metadata = rec(live["metadata"]);
  if (metadata["deletionTimestamp"]) return { status: "Terminating", message: "Resource is being deleted" };
  const kind = String(live["kind"] ?? "");
  const group = String(live["apiVersion"] ?? "").includes("/")
    ? String(live["apiVersion"]).split("/")[0]
    : "";

  // Generic rules first: a controller that has not observed the newest spec is still in progress, and
  // the Reconciling/Stalled convention (kstatus "abnormal-true" conditions) wins over kind rules.
  const status = rec(live["status"]);
  const generation = metadata["generation"];
  const observed = status["observedGeneration"];
  if (typeof generation === "number" && typeof observed === "number" && observed < generation) {
    return inProgress(`${kind} generation is ${generation}, but latest observed generation is ${observed}`);
  }
  const stalled = condition(live, "Stalled");
  if (stalled?.status === "True") return failed(stalled.message || stalled.reason || "Stalled");
  const reconciling = condition(live, "Reconciling");
  if (reconciling?.status === "True")
    return inProgress(reconciling.message || reconciling.reason || "Reconciling");

  const spec = rec(live["spec"]);
  if (group === "apps" || group === "") {
    switch (kind) {
      case "Deployment":
        return deploymentStatus(live, spec, status);
      case "StatefulSet":
        return statefulSetStatus(spec, status);
      case "DaemonSet":
        return daemonSetStatus(status);
      case "ReplicaSet":
        return replicaSetStatus(spec, status);
    }
  }
  if (group === "") {
    switch (kind) {
      case "Namespace":
        return status["phase"] === "Active" || status["phase"] === undefined
          ? current("Namespace is Active")
          : inProgress(`Namespace is ${String(status["phase"])}`);
      case "Pod":
        return podStatus(live, status);
      case "PersistentVolumeClaim":
        return status["phase"] === "Bound" ? current("PVC is Bound") : inProgress("PVC is not Bound");
      case "Service":
        if (spec["type"] === "LoadBalancer" && !rec(status["loadBalancer"])["ingress"]) {
          return inProgress("LoadBalancer Service has no ingress yet");
        }
        return current("Service is ready");
    }
  }
  if (group === "autoscaling" && kind === "HorizontalPodAutoscaler") return hpaStatus(live, spec, status);
  if (group === "apiextensions.k8s.io" && kind === "CustomResourceDefinition") {
    const names = condition(live, "NamesAccepted");
    if (names?.status === "False") return failed(`CRD names not accepted: ${names.message ?? names.reason}`);
    return condition(live, "Established")?.status === "True"
      ? current("CRD is Established")
      : inProgress("CRD is not Established yet");
  }
  if (group === "batch" && kind === "Job") {
    if (condition(live, "Failed")?.status === "True")
      return failed(condition(live, "Failed")?.message ?? "Job failed");
    if (condition(live, "Complete")?.status === "True") return current("Job is complete");
    return inProgress("Job is running");
  }
  // Any other kind (custom resources included): a Ready condition decides when there is one.
  const ready = condition(live, "Ready");
  if (ready?.status === "False") return inProgress(ready.message || ready.reason || "Ready is False");
  if (ready?.status === "Unknown") return inProgress(ready.message || "Ready is Unknown");
  return current(ready ? "Ready" : "Resource is current");
}

function deploymentStatus(live: Obj, spec: Obj, status: Obj): ObjectStatus {
  const progressing = condition(live, "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    return failed(`Progress deadline exceeded: ${progressing.message ?? ""}`.trim());
  }
  if (spec["paused"] === true) return inProgress("Deployment is paused");
  const replicas = num(spec["replicas"], 1);
  const updated = num(status["updatedReplicas"]);
  const total = num(status["replicas"]);
  const ready = num(status["readyReplicas"]);
  const available = num(status["availableReplicas"]);
  if (updated < replicas) return inProgress(`Updated: ${updated}/${replicas}`);
  if (total > updated) return inProgress(`Pending termination: ${total - updated}`);
  if (ready < replicas) return inProgress(`Ready: ${ready}/${replicas}`);
  if (available < replicas) return inProgress(`Available: ${available}/${replicas}`);
  if (condition(live, "Available")?.status === "False") return inProgress("Deployment is not Available");
  return current(`Deployment is available. Replicas: ${replicas}`);
}

function hpaStatus(live: Obj, spec: Obj, status: Obj): ObjectStatus {
  const min = num(spec["minReplicas"], 1);
  const max = num(spec["maxReplicas"], Number.POSITIVE_INFINITY);
  // The controller leaves a target with zero replicas alone (scaling disabled): nothing to wait for.
  const active = condition(live, "ScalingActive");
  if (active?.status === "False" && active.reason === "ScalingDisabled") {
    return current(`HPA scaling is disabled: ${active.message ?? "its target has zero replicas"}`);
  }
  // It cannot compute a count (no metrics API, a metric it cannot read): it still holds its target within
  // its bounds — the controller clamps before it reads metrics — but leaves desiredReplicas where it was
  // (0 on a new HPA). The target's count it last saw decides.
  if (active?.status === "False") {
    const seen = num(status["currentReplicas"]);
    const why = `HPA cannot compute a replica count (${active.reason ?? "ScalingActive False"})`;
    return seen < min || seen > max
      ? inProgress(`${why}; its target's ${seen} replicas lie outside its bounds ${min}–${max}`)
      : current(`${why}; its target's ${seen} replicas lie within its bounds ${min}–${max}`);
  }
  const desired = num(status["desiredReplicas"]);
  if (desired < min || desired > max) {
    return inProgress(
      `HPA desires ${desired} replicas, outside its bounds ${min}–${max}: not yet acted on them`,
    );
  }
  return current(`HPA desires ${desired} replicas (bounds ${min}–${max})`);
}

function statefulSetStatus(spec: Obj, status: Obj): ObjectStatus {
  const replicas = num(spec["replicas"], 1);
  const ready = num(status["readyReplicas"]);
  const currentReplicas = num(status["currentReplicas"]);
  const strategy = rec(spec["updateStrategy"]);
  if (num(status["replicas"]) < replicas)
    return inProgress(`Replicas: ${num(status["replicas"])}/${replicas}`);
  if (ready < replicas) return inProgress(`Ready: ${ready}/${replicas}`);
  if (strategy["type"] === "OnDelete") return current(`StatefulSet is ready. Replicas: ${replicas}`);
  const partition = num(rec(strategy["rollingUpdate"])["partition"]);
  if (partition > 0) {
    const updated = num(status["updatedReplicas"]);
    return updated < replicas - partition
      ? inProgress(`Partitioned rollout: ${updated}/${replicas - partition}`)
      : current(`Partitioned rollout complete: ${updated} updated`);
  }
  if (status["updateRevision"] !== status["currentRevision"]) {
    return inProgress(`Rolling out: ${num(status["updatedReplicas"])}/${replicas} updated`);
  }
  if (currentReplicas < replicas) return inProgress(`Current: ${currentReplicas}/${replicas}`);
  return current(`StatefulSet is ready. Replicas: ${replicas}`);
}

function daemonSetStatus(status: Obj): ObjectStatus {
  const desired = num(status["desiredNumberScheduled"]);
  const scheduled = num(status["currentNumberScheduled"]);
  const updated = num(status["updatedNumberScheduled"]);
  const available = num(status["numberAvailable"]);
  const ready = num(status["numberReady"]);
  if (scheduled < desired) return inProgress(`Scheduled: ${scheduled}/${desired}`);
  if (updated < desired) return inProgress(`Updated: ${updated}/${desired}`);
  if (ready < desired) return inProgress(`Ready: ${ready}/${desired}`);
  if (available < desired) return inProgress(`Available: ${available}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

function replicaSetStatus(spec: Obj, status: Obj): ObjectStatus {
  const replicas = num(spec["replicas"], 1);
  if (num(status["readyReplicas"]) < replicas)
    return inProgress(`Ready: ${num(status["readyReplicas"])}/${replicas}`);
  if (num(status["availableReplicas"]) < replicas) {
    return inProgress(`Available: ${num(status["availableReplicas"])}/${replicas}`);
  }
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
}

function podStatus(live: Obj, status: Obj): ObjectStatus {
  const phase = status["phase"];
  if (phase === "Succeeded") return current("Pod has completed successfully");
  if (phase === "Failed") return failed("Pod has completed, but not successfully");
  if (phase === "Running" && condition(live, "Ready")?.status === "True") return current("Pod is Ready");
  const scheduled = condition(live, "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    return inProgress(`Pod could not be scheduled: ${scheduled.message ?? ""}`.trim());
  }
  return inProgress(`Pod phase is ${String(phase ?? "unknown")}`);
}
