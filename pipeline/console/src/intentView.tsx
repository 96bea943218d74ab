/**
 * One intent: its runs (newest first) with the phase timeline and durations, per site the synced commit
 * and health, the SLO charts of its verifications, the evidence chain, and (write keys) rollback with a
 * confirmation dialog. Refreshed every 1.5 s while a run is active, and once more when it ends.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiProblem, api, type EvidenceView, type RunsView, type RunView, TERMINAL } from "./api.js";
import { EvidenceChain } from "./evidenceChain.js";
import { SloCharts } from "./sloChart.js";

const short = (commit: string | null) => (commit ? commit.slice(0, 10) : "—");
const seconds = (ms: number | null) => (ms === null ? "running" : `${(ms / 1000).toFixed(1)} s`);

export function IntentView({ intentId, writer }: { intentId: string; writer: boolean }) {
  const [runs, setRuns] = useState<RunsView | null>(null);
  const [evidence, setEvidence] = useState<EvidenceView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastKey = useRef("");

  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const view = await api<RunsView>(`/api/intent/${intentId}/runs`);
        if (stopped) return;
        setRuns(view);
        const key = view.runs.map((r) => `${r.runId}:${r.phase}`).join(",");
        if (key !== lastKey.current) {
          lastKey.current = key;
          api<EvidenceView>(`/api/intent/${intentId}/evidence`).then(
            (e) => !stopped && setEvidence(e),
            () => undefined,
          );
        }
      } catch (e) {
        if (!stopped) setError(String(e));
      }
    };
    void load();
    const timer = setInterval(load, 1500);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [intentId]);

  if (error) return <p role="alert">{error}</p>;
  if (!runs) return <p>Loading {intentId}…</p>;
  const latest = runs.runs.at(-1);
  return (
    <section class="intent" aria-label={`Intent ${intentId}`}>
      <div class="intent-head">
        <h2>{intentId}</h2>
        {latest && (
          <span class={`phase phase-${latest.phase}`} data-testid="latest-phase">
            {latest.phase}
          </span>
        )}
        {writer && <Rollback intentId={intentId} onDone={() => (lastKey.current = "")} />}
      </div>
      <p class="description">{String(runs.body.description ?? runs.body.name ?? "")}</p>
      {[...runs.runs].reverse().map((run, i) => (
        <Run key={run.runId} run={run} open={i === 0} />
      ))}
      {evidence && <SloCharts records={evidence.records} />}
      {evidence && <EvidenceChain evidence={evidence} />}
    </section>
  );
}

function Run({ run, open }: { run: RunView; open: boolean }) {
  const total = run.timeline.reduce((sum, s) => sum + (s.durationMs ?? 0), 0) || 1;
  const active = !TERMINAL.has(run.phase);
  return (
    <details class="run" open={open}>
      <summary>
        Run <code>{run.runId}</code> · <span class={`phase phase-${run.phase}`}>{run.phase}</span>
        {active && <span class="live"> · live</span>}
      </summary>
      <ol class="timeline" aria-label="Phase timeline" data-testid="timeline">
        {run.timeline.map((step, i) => (
          <li key={`${step.phase}${i}`} class={`phase-${step.phase}`}>
            <span class="step-name">{step.phase}</span>
            <span class="bar" style={{ width: `${Math.max(2, ((step.durationMs ?? 0) / total) * 100)}%` }} />
            <span class="duration">{TERMINAL.has(step.phase) ? "" : seconds(step.durationMs)}</span>
            {step.note && <span class="note">{step.note}</span>}
          </li>
        ))}
      </ol>
      <table class="sites">
        <caption>Sites</caption>
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Synced commit</th>
            <th scope="col">Health</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(run.sites).map(([site, state]) => (
            <tr key={site} data-testid={`site-${site}`}>
              <td>{site}</td>
              <td>
                <code>{short(state.commit)}</code>
              </td>
              <td class={state.healthy === null ? "" : state.healthy ? "healthy" : "unhealthy"}>
                {state.healthy === null ? "not applied yet" : state.healthy ? "Healthy" : "Unhealthy"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="commits">
        Delivered <code>{short(run.deliveryCommit)}</code>
        {run.revertCommit && (
          <>
            {" "}
            · reverted by <code data-testid="revert-commit">{short(run.revertCommit)}</code>
          </>
        )}
        {run.verdict && (
          <>
            {" "}
            · SLO verdict <strong>{run.verdict.decision}</strong>
            {run.verdict.reasons.length ? `: ${run.verdict.reasons.join("; ")}` : ""}
          </>
        )}
      </p>
      {run.error && (
        <p class="error">
          <code>{run.error.code}</code> {run.error.message}
        </p>
      )}
    </details>
  );
}

function Rollback({ intentId, onDone }: { intentId: string; onDone: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [result, setResult] = useState<string | null>(null);
  const confirm = async () => {
    dialog.current?.close();
    try {
      const r = await api<{ commit: string; revertedSubject: string }>(`/api/intent/${intentId}/rollback`, {
        method: "POST",
        body: {},
      });
      setResult(`Reverted “${r.revertedSubject}” with commit ${r.commit.slice(0, 10)}`);
      onDone();
    } catch (e) {
      setResult(e instanceof ApiProblem ? `Rollback refused: ${e.message}` : String(e));
    }
  };
  return (
    <>
      <button type="button" class="danger" onClick={() => dialog.current?.showModal()}>
        Roll back…
      </button>
      <dialog ref={dialog} aria-labelledby="rollback-title">
        <h3 id="rollback-title">Roll back {intentId}?</h3>
        <p>This makes a revert commit of the intent's newest commit on the delivery branch and pushes it.</p>
        <form method="dialog" class="actions">
          <button type="submit" autofocus>
            Cancel
          </button>
          <button type="button" class="danger" onClick={confirm}>
            Roll back
          </button>
        </form>
      </dialog>
      {result && (
        <p role="status" class="rollback-result" data-testid="rollback-result">
          {result}
        </p>
      )}
    </>
  );
}
