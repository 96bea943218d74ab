/**
 * Compiling: the TMF921 intent to its TS 28.312 form (pure), with one evidence record — recorded only once
 * every pure check of a later phase has passed too (the packages render; they claim no object another
 * intent holds), so an input a later phase refuses leaves no evidence.
 */
import type { Digest } from "../../../compiler/digest.js";
import type { Step, StepResult } from "../advanceRun.js";
import { type StepKit, since } from "./stepKit.js";

export function compileStep(kit: StepKit): Step {
  return async (run, { signal }) => {
    const started = performance.now();
    const { compiled: c } = await kit.compiled(run);
    await kit.checkOwnership(run);
    const data: StepResult = { intentDigest: c.spec.intentDigest, sites: c.spec.sites };
    data.evidence = await kit.evidence(
      run,
      {
        action: "compile",
        sites: c.spec.sites,
        intentDigest: c.spec.intentDigest,
        inputs: [{ name: run.source.file, digest: run.source.digest as Digest }],
        result: "success",
        durations: { totalMs: since(started) },
        details: { delta: c.spec.delta, revision: c.spec.revision ?? null },
      },
      signal,
    );
    return data;
  };
}
