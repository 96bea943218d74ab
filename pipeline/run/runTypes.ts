/**
 * The run of one intent revision through the phase machine (ARCHITECTURE.md "The flow"):
 *
 *   Pending → Compiling → Rendering → Delivering → Reconciling → Verifying → Succeeded
 *   Verifying → RollingBack → RolledBack;   any → Failed
 */

export const PHASES = [
  "Pending",
  "Compiling",
  "Rendering",
  "Delivering",
  "Reconciling",
  "Verifying",
  "RollingBack",
  "Succeeded",
  "RolledBack",
  "Failed",
] as const;
export type Phase = (typeof PHASES)[number];

export const TERMINAL: ReadonlySet<Phase> = new Set(["Succeeded", "RolledBack", "Failed"]);

/** Per-phase time limits in ms (the phase must finish within its limit). */
export type PhaseTimeouts = Record<
  "Pending" | "Compiling" | "Rendering" | "Delivering" | "Reconciling" | "Verifying" | "RollingBack",
  number
>;

/** Defaults from ARCHITECTURE.md; RollingBack gets Reconciling + Verifying. */
export const DEFAULT_TIMEOUTS: Readonly<PhaseTimeouts> = Object.freeze({
  Pending: 30_000,
  Compiling: 120_000,
  Rendering: 180_000,
  Delivering: 60_000,
  Reconciling: 300_000,
  Verifying: 600_000,
  RollingBack: 900_000,
});

export interface RunError {
  code: string;
  message: string;
  subject?: string;
  /** The phase the run was in when it failed: where `retry` re-enters. */
  failedIn?: Phase;
}

/** Small facts a run carries between phases; large data (packages) is recomputed, not journalled. */
export interface RunData {
  intentDigest?: string;
  sites?: string[];
  renderedDigests?: Record<string, string>;
  deliveryCommit?: string | null;
  deliveryHead?: string | null;
  reconciled?: Record<string, { commit: string | null; healthy: boolean }>;
  verdict?: { decision: "pass" | "breach" | "inconclusive"; action?: string; reasons: string[] };
  revertCommit?: string;
  /** A scale action's new revision (replica target raised), submitted as the next run of the intent. */
  scaledSource?: { file: string; digest: string; from: number; to: number };
  restored?: Record<string, string | null>;
  evidence?: string[];
}

export interface RunState {
  runId: string;
  intentId: string;
  /** Where the intent came from (`intents/x.json`, `api`), and its text's digest. */
  source: { file: string; digest: string };
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
  | { type: "phase"; at: string; runId: string; phase: Phase; attempt?: number }
  | { type: "data"; at: string; runId: string; data: RunData }
  | { type: "failed"; at: string; runId: string; error: RunError }
  | { type: "superseded"; at: string; runId: string; by: string };
