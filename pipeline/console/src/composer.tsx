/**
 * The composer: a sentence (embedded parser or the LLM backend) or TMF921 JSON → preview (what was read,
 * the TMF921 intent, the 28.312 intent, the changes per site) → submit. Ctrl+Enter previews.
 */
import { useState } from "preact/hooks";
import { ApiProblem, api } from "./api.js";

interface Change {
  subject: string;
  action: string;
  diff: string;
}
interface Draft {
  backend: string;
  intent: Record<string, unknown>;
  intent28312: unknown;
  exists: boolean;
  sites: { site: string; objects: number; changes: Change[] }[];
  understood?: { phrase: string; meaning: string }[];
  assumptions?: string[];
  notUnderstood?: string[];
}
interface Problem {
  detail: string;
  code?: string;
  errors?: { pointer: string; detail: string; code?: string }[];
  notUnderstood?: string[];
}

const EXAMPLE =
  "deploy the analytics app version 1.4.0 on edge1 and edge2 with image registry.example.com/analytics:1.4.0 and 3 replicas, p95 under 100 ms, error rate under 1 %";

export function Composer({ onSubmitted }: { onSubmitted: (id: string) => void }) {
  const [text, setText] = useState("");
  const [backend, setBackend] = useState<"embedded" | "llm">("embedded");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const preview = async () => {
    setBusy(true);
    setProblem(null);
    setDraft(null);
    const trimmed = text.trim();
    let body: unknown = { text: trimmed, backend };
    if (trimmed.startsWith("{")) {
      try {
        body = { intent: JSON.parse(trimmed) };
      } catch (e) {
        setBusy(false);
        return setProblem({ detail: `not JSON: ${String(e)}` });
      }
    }
    try {
      setDraft(await api<Draft>("/api/intent/draft", { method: "POST", body }));
    } catch (e) {
      setProblem(e instanceof ApiProblem ? (e.body as unknown as Problem) : { detail: String(e) });
    } finally {
      setBusy(false);
    }
  };
  const submit = async () => {
    if (!draft) return;
    setBusy(true);
    try {
      // An intent that exists gets a new revision (the whole previewed document); otherwise it is created.
      const accepted = draft.exists
        ? await api<{ intentId: string }>(`/api/intent/${String(draft.intent.id)}`, {
            method: "PUT",
            body: draft.intent,
          })
        : await api<{ intentId: string }>("/api/intent", { method: "POST", body: draft.intent });
      onSubmitted(accepted.intentId);
    } catch (e) {
      setProblem(e instanceof ApiProblem ? (e.body as unknown as Problem) : { detail: String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="composer" aria-label="New intent">
      <h2>New intent</h2>
      <label for="intent-text">Say what you want, or paste a TMF921 intent (JSON)</label>
      <textarea
        id="intent-text"
        rows={4}
        value={text}
        placeholder={EXAMPLE}
        onInput={(e) => {
          setText((e.target as HTMLTextAreaElement).value);
          setDraft(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void preview();
          }
        }}
      />
      <fieldset class="backend">
        <legend>Drafted by</legend>
        <label>
          <input
            type="radio"
            name="backend"
            checked={backend === "embedded"}
            onChange={() => setBackend("embedded")}
          />
          embedded parser
        </label>
        <label>
          <input type="radio" name="backend" checked={backend === "llm"} onChange={() => setBackend("llm")} />
          LLM (if configured)
        </label>
      </fieldset>
      <div class="actions">
        <button type="button" onClick={preview} disabled={busy || !text.trim()}>
          Preview <kbd>Ctrl+Enter</kbd>
        </button>
        <button type="button" class="primary" onClick={submit} disabled={busy || !draft}>
          Submit
        </button>
      </div>
      {problem && (
        <div role="alert" class="problem">
          <strong>{problem.detail}</strong>
          <ul>
            {(problem.errors ?? []).map((e) => (
              <li key={`${e.pointer}${e.detail}`}>
                {e.detail} <code>{e.code}</code>
              </li>
            ))}
          </ul>
          {problem.notUnderstood?.length ? (
            <p>Not understood: {problem.notUnderstood.map((n) => `"${n}"`).join(", ")}</p>
          ) : null}
        </div>
      )}
      {draft && <DraftPreview draft={draft} />}
    </section>
  );
}

function DraftPreview({ draft }: { draft: Draft }) {
  return (
    <div class="preview" data-testid="preview">
      <h3>
        Preview of <code>{String(draft.intent.id)}</code> ({draft.exists ? "a new revision" : "a new intent"},
        drafted by {draft.backend})
      </h3>
      {draft.understood && (
        <table class="understood">
          <caption>What was understood</caption>
          <tbody>
            {draft.understood.map((u) => (
              <tr key={u.phrase + u.meaning}>
                <td>“{u.phrase}”</td>
                <td>
                  <code>{u.meaning}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {draft.assumptions?.length ? <p class="assumed">Assumed: {draft.assumptions.join("; ")}</p> : null}
      {draft.notUnderstood?.length ? (
        <p class="warning" role="status">
          Not understood (left out): {draft.notUnderstood.map((n) => `“${n}”`).join(", ")}
        </p>
      ) : null}
      <h4>Changes per site</h4>
      {draft.sites.map((site) => (
        <details key={site.site} open>
          <summary>
            {site.site}: {site.changes.length === 0 ? "no change" : `${site.changes.length} object change(s)`}{" "}
            ({site.objects} objects)
          </summary>
          {site.changes.map((c) => (
            <details key={c.subject}>
              <summary>
                <span class={`action ${c.action}`}>{c.action}</span> {c.subject}
              </summary>
              <pre class="diff">{c.diff}</pre>
            </details>
          ))}
        </details>
      ))}
      <details>
        <summary>TMF921 intent</summary>
        <pre>{JSON.stringify(draft.intent, null, 2)}</pre>
      </details>
      <details>
        <summary>TS 28.312 intent</summary>
        <pre>{JSON.stringify(draft.intent28312, null, 2)}</pre>
      </details>
    </div>
  );
}
