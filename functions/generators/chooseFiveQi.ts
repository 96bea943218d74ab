/**
 * The 5QI of a slice: the explicit `fiveQI` context wins; otherwise the slice type's default from
 * `FIVE_QI_CANDIDATES`, moved to a stricter candidate when a latency target needs a smaller packet delay
 * budget (PDB). A PDB meets an upper bound x (`<` or `<=`) when PDB <= x, and a range when PDB <= max.
 * Why not PDB < x for IS_LESS_THAN: TS 28.312 allows only IS_LESS_THAN for DlLatency/UlLatency, so the
 * strict reading would make every 5QI whose budget equals the stated bound unreachable (e.g. no 5QI at
 * all for "DlLatency < 5 ms"); the PDB is itself an upper bound on the delay, and the choice is a class,
 * not a guarantee — the SLO alerts stay strict.
 *
 * Signalling 5QIs (5: IMS signalling, 69: MC signalling) are never chosen, and an explicit one is refused
 * when the intent has a latency target: their budget is for signalling, not for user-plane latency.
 */
import {
  FIVE_QI_CANDIDATES,
  FIVE_QI_REFERENCE,
  type FiveQiRow,
  fiveQiRow,
  type SliceType,
} from "./fiveQiTable.js";
import { GeneratorError, type GeneratorWhere } from "./GeneratorError.js";
import type { Bound } from "./readTargets.js";

/** One latency target the 5QI must meet (value in ms). */
export interface LatencyRequirement {
  targetName: string;
  expectationId: string;
  bound: Bound;
}

export interface FiveQiChoice {
  fiveQI: number;
  /** `explicit` (the intent's `fiveQI`), `default` (the slice type's default), `latency-target` (upgraded). */
  source: "explicit" | "default" | "latency-target";
  /** The table row, when the 5QI is standardized and listed. */
  row: FiveQiRow | undefined;
  reference: string;
}

/** Whether a packet delay budget of `pdbMs` satisfies `bound` on latency. */
export function meetsLatency(pdbMs: number, bound: Bound): boolean {
  switch (bound.kind) {
    case "upper":
      return pdbMs <= bound.value;
    case "range":
      return pdbMs <= bound.max;
    case "lower":
      // A floor on latency asks nothing of the budget.
      return true;
  }
}

/**
 * Chooses the 5QI.
 *
 * @throws GeneratorError `E_GEN_QOS_INCOMPATIBLE` when the explicit 5QI misses a latency target (or is a
 * signalling 5QI with one), or when no candidate of the slice type meets the targets.
 * @example chooseFiveQi("eMBB", undefined, [], where).fiveQI === 9
 */
export function chooseFiveQi(
  sliceType: SliceType,
  explicit: number | undefined,
  requirements: readonly LatencyRequirement[],
  where: GeneratorWhere,
): FiveQiChoice {
  const meetsAll = (row: FiveQiRow): boolean =>
    row.signalling !== true && requirements.every((r) => meetsLatency(row.packetDelayBudgetMs, r.bound));
  if (explicit !== undefined) {
    const row = fiveQiRow(explicit);
    // A 5QI outside the table (operator-specific or unlisted) has no known budget: it is taken as given.
    if (row !== undefined && requirements.length > 0 && !meetsAll(row)) {
      const why = row.signalling
        ? `5QI ${explicit} is ${row.exampleServices}, not a user-plane latency class`
        : `5QI ${explicit} has a packet delay budget of ${row.packetDelayBudgetMs} ms`;
      throw new GeneratorError(
        "E_GEN_QOS_INCOMPATIBLE",
        { ...where, attribute: "fiveQI" },
        `${why}, which does not meet ${describe(requirements)} (${FIVE_QI_REFERENCE})`,
      );
    }
    return { fiveQI: explicit, source: "explicit", row, reference: FIVE_QI_REFERENCE };
  }
  const candidates = FIVE_QI_CANDIDATES[sliceType];
  for (const [index, fiveQI] of candidates.entries()) {
    const row = fiveQiRow(fiveQI);
    if (row !== undefined && meetsAll(row)) {
      return {
        fiveQI,
        source: index === 0 ? "default" : "latency-target",
        row,
        reference: FIVE_QI_REFERENCE,
      };
    }
  }
  throw new GeneratorError(
    "E_GEN_QOS_INCOMPATIBLE",
    { ...where, attribute: requirements[0]?.targetName ?? "sliceType" },
    `no standardized 5QI for slice type ${sliceType} (${candidates.join(", ")}) meets ${describe(requirements)}; give an explicit fiveQI`,
  );
}

function describe(requirements: readonly LatencyRequirement[]): string {
  return requirements
    .map((r) => {
      const b = r.bound;
      const text =
        b.kind === "upper"
          ? `${b.strict ? "<" : "<="} ${b.value} ms`
          : b.kind === "range"
            ? `<= ${b.max} ms`
            : "any";
      return `${r.targetName} ${text}`;
    })
    .join(" and ");
}
