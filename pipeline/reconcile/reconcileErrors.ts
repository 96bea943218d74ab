/**
 * Errors of the reconciler. Per-object outcomes (409, 422, …) are change-set entries, not errors; these
 * are the failures that stop a whole (site, intent) run or that a caller must see as a refusal.
 */
import { IntentopsError } from "../../compiler/errors.js";

/** Pruning would delete every object of an inventory, or more than the allowed share; nothing was deleted. */
export class PruneUnsafeError extends IntentopsError {
  readonly wouldDelete: readonly string[];
  readonly inventorySize: number;
  constructor(message: string, wouldDelete: readonly string[], inventorySize: number, subject: string) {
    super("E_PRUNE_UNSAFE", message, { subject });
    this.name = "PruneUnsafeError";
    this.wouldDelete = wouldDelete;
    this.inventorySize = inventorySize;
  }
}

/** `config.kubernetes.io/depends-on` annotations form a cycle; `cycle` lists its members in order. */
export class DependencyCycleError extends IntentopsError {
  readonly cycle: readonly string[];
  constructor(cycle: readonly string[]) {
    super("E_DEPENDENCY_CYCLE", `depends-on cycle: ${[...cycle, cycle[0]].join(" → ")}`, {
      subject: cycle[0],
    });
    this.name = "DependencyCycleError";
    this.cycle = cycle;
  }
}

/** A depends-on annotation that cannot be read. */
export class DependsOnSyntaxError extends IntentopsError {
  constructor(message: string, subject: string) {
    super("E_DEPENDS_ON_SYNTAX", message, { subject });
    this.name = "DependsOnSyntaxError";
  }
}

/** The API server answered with an unexpected status, or could not be reached. */
export class KubeApiError extends IntentopsError {
  readonly status: number;
  readonly reason: string | undefined;
  constructor(
    status: number,
    message: string,
    options: { subject?: string; reason?: string; cause?: unknown },
  ) {
    super("E_KUBE_API", message, options);
    this.name = "KubeApiError";
    this.status = status;
    this.reason = options.reason;
  }
}

/** The site is not a usable Kubernetes site (wrong kind, no context, unreadable kubeconfig). */
export class SiteConfigError extends IntentopsError {
  constructor(message: string, subject: string, cause?: unknown) {
    super("E_SITE_CONFIG", message, { subject, cause });
    this.name = "SiteConfigError";
  }
}

/** A package object is not something the reconciler can apply (no name, unknown kind, bad YAML). */
export class PackageObjectError extends IntentopsError {
  constructor(message: string, subject: string, cause?: unknown) {
    super("E_PACKAGE_OBJECT", message, { subject, cause });
    this.name = "PackageObjectError";
  }
}
