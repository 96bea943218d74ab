/** Rendering: one kpt package per site of the intent (pure), with one evidence record. */
import type { Step, StepResult } from "../advanceRun.js";
import { type StepKit, since } from "./stepKit.js";

export function renderStep(kit: StepKit): Step {
  return async (run, { signal }) => {
    const started = performance.now();
    const { compiled: c, packages } = await kit.packages(run);
    const renderedDigests = Object.fromEntries(packages.map((p) => [p.site, p.renderedDigest]));
    const data: StepResult = { renderedDigests };
    data.evidence = await kit.evidence(
      run,
      {
        action: "render",
        intentDigest: c.spec.intentDigest,
        renderedDigests,
        outputs: packages.map((p) => ({ name: `rendered/${p.subject}`, digest: p.renderedDigest })),
        result: "success",
        durations: { totalMs: since(started) },
        details: { objects: Object.fromEntries(packages.map((p) => [p.site, p.objects.length])) },
      },
      signal,
    );
    return data;
  };
}
