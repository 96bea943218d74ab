/**
 * The review of a pull request as data: what changes on which site, per intent and per object, which SLO
 * policy each changed intent will be verified against, and every problem with its place in the source
 * text. The markdown comment, the plain-text view, the JSON output and the check run are all built from it.
 */
import type { DeltaEntry } from "../../compiler/types.js";
import type { Comparison, SloAction } from "../../functions/slo/types.js";

export type ObjectAction = "added" | "changed" | "removed";
export type IntentStatus = "added" | "changed" | "removed";

/** One object that a merge would add, change or remove on a site. */
export interface ObjectChange {
  /** `Kind/namespace/name` (or `Kind/name`). */
  subject: string;
  apiVersion: string;
  action: ObjectAction;
  /** Unified diff of the object's YAML (base → head); for added/removed, the whole object. */
  diff: string;
}

/** A compact SLO target: what `intentops verify` will check after delivery. */
export interface ReviewSloTarget {
  id: string;
  metric: string;
  comparison: Comparison;
  threshold: number | [number, number];
  unit: string;
  action: SloAction;
}

/** One intent's change on one site. */
export interface IntentChange {
  /** `site/intent-id`. */
  subject: string;
  site: string;
  intentId: string;
  status: IntentStatus;
  /** The intent file at head (or at base when removed). */
  file: string;
  objects: ObjectChange[];
  /** The SLO policy at head; absent when the intent is removed from the site. */
  slo?: { windowSeconds: number; targets: ReviewSloTarget[]; unmonitored: string[] };
  /** TMF921 content the compiler could not map to TS 28.312 (the delta report), at head. */
  delta: DeltaEntry[];
}

export interface SiteReview {
  site: string;
  intents: IntentChange[];
  counts: { added: number; changed: number; removed: number };
}

/** A problem in the head revision, placed in the source text. */
export interface ReviewProblem {
  file: string;
  /** 1-based; absent only when the file itself is missing. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  pointer: string;
  code: string;
  message: string;
}

export interface Review {
  base: string;
  head: string;
  /** False when any changed intent of the head revision does not compile or render. */
  ok: boolean;
  summary: {
    intents: { added: number; changed: number; removed: number; unchanged: number };
    objects: { added: number; changed: number; removed: number };
    sites: number;
  };
  sites: SiteReview[];
  problems: ReviewProblem[];
  /** Problems of the base revision: shown, but they do not fail the review (the change may fix them). */
  baseProblems: ReviewProblem[];
}
