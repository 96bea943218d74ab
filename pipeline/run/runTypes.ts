/**
 * The run of one intent revision through the phase machine (ARCHITECTURE.md "The flow"):
 *
 *   Pending → Compiling → Rendering → Delivering → Reconciling → Verifying → Succeeded
 *                                                                        ↘ SucceededWithAlerts | Scaled | Held
 *   Verifying → RollingBack → RolledBack | RollbackFailed
 *   Delivering (after the push) | Reconciling → Compensating → Failed (compensated) | CompensationFailed
 *   Pending → Deleting → Deleted                     (a delete run: `intentops delete`)
 *   any → Failed
 *
 * Each terminal state says what is true of the sites, and maps to one exit code (`EXIT_CODES`).
 */
import type { SloPolicyOverrides } from "../../functions/slo/deriveSloPolicy.js";

export const ACTIVE_PHASES = [
  "Pending",
  "Compiling",
  "Rendering",
  "Delivering",
  "Reconciling",
  "Verifying",
  "RollingBack",
  "Compensating",
  "Deleting",
] as const;

export const TERMINAL_PHASES = [
  "Succeeded",
  "SucceededWithAlerts",
  "Scaled",
  "Held",
  "RolledBack",
  "RollbackFailed",
  "Failed",
  "CompensationFailed",
  "Deleted",
] as const;

export const PHASES = [...ACTIVE_PHASES, ...TERMINAL_PHASES] as const;
export type ActivePhase = (typeof ACTIVE_PHASES)[number];
export type TerminalPhase = (typeof TERMINAL_PHASES)[number];
export type Phase = ActivePhase | TerminalPhase;

export const TERMINAL: ReadonlySet<Phase> = new Set<Phase>(TERMINAL_PHASES);

/**
 * What each terminal state means and the exit code `intentops run` / `retry` / `delete` give for it
 * (the README's table is checked against this one by test/run/exitCodes.test.ts). When several runs end,
 * the command exits with the code of the most severe state (`rank`).
 */
export const TERMINAL_STATES: Readonly<
  Record<TerminalPhase, { exit: number; rank: number; meaning: string }>
> = {
  Succeeded: { exit: 0, rank: 0, meaning: "applied on every site and every SLO passed" },
  Deleted: { exit: 0, rank: 0, meaning: "the intent's objects are gone from every site, through Git" },
  SucceededWithAlerts: {
    exit: 4,
    rank: 1,
    meaning: "applied; an SLO whose action is alert was breached (alert events sent)",
  },
  Scaled: {
    exit: 4,
    rank: 1,
    meaning: "applied; a CPU breach raised the replica target in a new revision, run next",
  },
  Held: {
    exit: 5,
    rank: 2,
    meaning: "applied, but the SLOs could not be decided (no data, too few samples) and the policy holds",
  },
  RolledBack: {
    exit: 1,
    rank: 3,
    meaning: "an SLO breach reverted the revision; the restored revision is applied and its SLOs pass",
  },
  Failed: {
    exit: 3,
    rank: 4,
    meaning:
      "a phase failed; anything already delivered or applied was compensated (reverted, sites restored)",
  },
  RollbackFailed: {
    exit: 3,
    rank: 5,
    meaning: "the rollback did not restore a healthy revision whose SLOs pass (see the error and evidence)",
  },
  CompensationFailed: {
    exit: 3,
    rank: 6,
    meaning: "a phase failed and undoing its effects failed too: sites may be half-updated",
  },
};

/** The exit code for a set of finished runs: the most severe state's (0 for none). */
export function exitCodeOf(phases: readonly Phase[]): number {
  let worst: { exit: number; rank: number } = { exit: 0, rank: -1 };
  for (const phase of phases) {
    const state = TERMINAL.has(phase) ? TERMINAL_STATES[phase as TerminalPhase] : { exit: 3, rank: 7 };
    if (state.rank > worst.rank) worst = state;
  }
  return worst.exit;
}

/** Per-phase time limits in ms (one attempt of the phase must finish within its limit). */
export type PhaseTimeouts = Record<Exclude<ActivePhase, never>, number>;

/** Defaults from ARCHITECTURE.md; RollingBack, Compensating and Deleting get Reconciling + Verifying. */
export const DEFAULT_TIMEOUTS: Readonly<PhaseTimeouts> = Object.freeze({
  Pending: 30_000,
  Compiling: 120_000,
  Rendering: 180_000,
  Delivering: 60_000,
  Reconciling: 300_000,
  Verifying: 600_000,
  RollingBack: 900_000,
  Compensating: 900_000,
  Deleting: 900_000,
});

export interface RunError {
  code: string;
  message: string;
  subject?: string;
  /** The phase the run was in when it failed: where `retry` re-enters. */
  failedIn?: Phase;
}

/** What compensation did, site by site, in the order it did it. */
export interface CompensationRecord {
  /** The error that started it. */
  cause: RunError;
  revertCommit?: string | null;
  /** Sites restored so far (reverse order of the sites the run touched). */
  restored?: Record<string, { commit: string | null; healthy: boolean }>;
  result?: "compensated" | "failed";
}

/** Small facts a run carries between phases; large data (packages) is recomputed, not journalled. */
export interface RunData {
  intentDigest?: string;
  sites?: string[];
  renderedDigests?: Record<string, string>;
  /** The commit that delivers this revision (a new one, or the head when the tree was already equal). */
  deliveryCommit?: string | null;
  deliveryHead?: string | null;
  /** True when this run's delivery made a commit (then compensation must revert it). */
  deliveryCommitted?: boolean;
  /** Sites whose apply started, in order: what compensation restores, in reverse. */
  touched?: string[];
  reconciled?: Record<string, { commit: string | null; healthy: boolean }>;
  verdict?: { decision: "pass" | "breach" | "inconclusive"; action?: string; reasons: string[] };
  revertCommit?: string;
  /** The verdict on the restored revision after a rollback. */
  restoredVerdict?: { decision: "pass" | "breach" | "inconclusive"; reasons: string[] };
  /** A scale action's new revision (replica target raised), submitted as the next run of the intent. */
  scaledSource?: { file: string; digest: string; from: number; to: number };
  restored?: Record<string, string | null>;
  compensation?: CompensationRecord;
  /** A delete run: the commit removing the intent, and the sites it was pruned from. */
  deleteCommit?: string | null;
  deleted?: Record<string, { pruned: number; ok: boolean }>;
  evidence?: string[];
  /** Set when the run's evidence could not be pushed at its end (why); the next push sends it. */
  evidencePending?: string;
}

export interface RunState {
  runId: string;
  intentId: string;
  /** `apply` (the default) runs a revision; `delete` removes the intent everywhere. */
  operation?: "apply" | "delete";
  /** Where the intent came from (`intents/x.json`, `api`), and its text's digest. */
  source: { file: string; digest: string };
  /** The revision of the intent's resource the run is for (operator mode: the IntentDeployment's generation). */
  revision?: number;
  /** SLO policy overrides of this run, over the pipeline's (operator mode: the resource's `spec.policy.slo`). */
  slo?: SloPolicyOverrides;
  phase: Phase;
  attempt: number;
  createdAt: string;
  updatedAt: string;
  data: RunData;
  error?: RunError;
  supersededBy?: string;
}

export type RunEvent =
  | { type: "created"; at: string; run: RunState }
  | { type: "phase"; at: string; runId: string; phase: Phase; attempt?: number; note?: string }
  | { type: "data"; at: string; runId: string; data: RunData }
  | { type: "failed"; at: string; runId: string; error: RunError; phase?: TerminalPhase }
  | { type: "superseded"; at: string; runId: string; by: string };
