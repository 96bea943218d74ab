/**
 * createSteps: the real work of each phase — compile and render in process, deliver, revert and remove
 * through Git, reconcile and verify through the site drivers it is given — one file per step under
 * `steps/`, with one evidence record per action.
 */
import type { RunSteps } from "./advanceRun.js";
import { compensateStep } from "./steps/compensateStep.js";
import { compileStep } from "./steps/compileStep.js";
import { deleteStep } from "./steps/deleteStep.js";
import { deliverStep } from "./steps/deliverStep.js";
import { reconcileStep } from "./steps/reconcileStep.js";
import { renderStep } from "./steps/renderStep.js";
import { rollbackStep } from "./steps/rollbackStep.js";
import { createStepKit, type StepsOptions } from "./steps/stepKit.js";
import { verifyStep } from "./steps/verifyStep.js";

export type { ReconcileMode, ReconcileSites, StepsOptions, VerifySites } from "./steps/stepKit.js";

/** `RunSteps` over real components. Rendered packages are kept per run in memory and recomputed after a restart. */
export function createSteps(options: StepsOptions): RunSteps {
  const kit = createStepKit(options);
  return {
    compile: compileStep(kit),
    render: renderStep(kit),
    deliver: deliverStep(kit),
    reconcile: reconcileStep(kit),
    verify: verifyStep(kit),
    rollback: rollbackStep(kit),
    compensate: compensateStep(kit),
    delete: deleteStep(kit),
    finish: () => kit.pushEvidence(),
  };
}
