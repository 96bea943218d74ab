/**
 * The intentops web console: sign in with an API key (kept in session storage only), the intents with
 * their state (refreshed every 2 s), a composer (write keys only) and the selected intent's runs,
 * sites, SLO charts, evidence and rollback.
 */
import { render } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiProblem, api, canWrite, type IntentSummary, storedKey, storeKey, type Who } from "./api.js";
import { Composer } from "./composer.js";
import { IntentView } from "./intentView.js";

function Login({ onLogin }: { onLogin: (who: Who) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const who = await api<Who>("/api/whoami", { key });
      storeKey(key);
      onLogin(who);
    } catch (e) {
      setError(e instanceof ApiProblem && e.status === 401 ? "This key is not known." : String(e));
    }
  };
  return (
    <main class="login">
      <h1>intentops</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          autofocus
        />
        <button type="submit" disabled={!key}>
          Sign in
        </button>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <p class="hint">The key stays in this tab's session storage and is sent only to this server.</p>
      </form>
    </main>
  );
}

function App() {
  const [who, setWho] = useState<Who | null>(null);
  const [checked, setChecked] = useState(false);
  const [intents, setIntents] = useState<IntentSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);

  useEffect(() => {
    if (!storedKey()) return setChecked(true);
    api<Who>("/api/whoami")
      .then(setWho, () => storeKey(null))
      .finally(() => setChecked(true));
  }, []);

  const refresh = useCallback(() => {
    api<IntentSummary[]>("/api/intents").then(setIntents, () => undefined);
  }, []);
  useEffect(() => {
    if (!who) return;
    refresh();
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [who, refresh]);

  if (!checked) return null;
  if (!who) return <Login onLogin={setWho} />;
  const writer = canWrite(who);
  return (
    <div class="shell">
      <header>
        <h1>intentops</h1>
        <span class="who">
          {who.name} ({who.keyId}) ·{" "}
          {writer ? "read/write" : <strong class="badge readonly">read-only</strong>}
        </span>
        <button
          type="button"
          class="link"
          onClick={() => {
            storeKey(null);
            setWho(null);
          }}
        >
          Sign out
        </button>
      </header>
      <nav aria-label="Intents">
        <div class="nav-head">
          <h2>Intents</h2>
          {writer && (
            <button type="button" onClick={() => setComposing(true)} aria-pressed={composing}>
              New intent
            </button>
          )}
        </div>
        <ul class="intents">
          {intents.length === 0 && <li class="empty">No intents yet.</li>}
          {intents.map((intent) => (
            <li key={intent.intentId}>
              <button
                type="button"
                class={selected === intent.intentId && !composing ? "selected" : ""}
                aria-current={selected === intent.intentId && !composing ? "true" : undefined}
                onClick={() => {
                  setSelected(intent.intentId);
                  setComposing(false);
                }}
              >
                <span class="name">{intent.intentId}</span>
                <span
                  class={`phase phase-${intent.phase ?? "none"}`}
                  data-testid={`phase-${intent.intentId}`}
                >
                  {intent.phase ?? intent.lifecycleStatus}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        {composing && writer ? (
          <Composer
            onSubmitted={(id) => {
              refresh();
              setSelected(id);
              setComposing(false);
            }}
          />
        ) : selected ? (
          <IntentView key={selected} intentId={selected} writer={writer} />
        ) : (
          <p class="empty">Select an intent{writer ? ", or write a new one" : ""}.</p>
        )}
      </main>
    </div>
  );
}

render(<App />, document.getElementById("app")!);
