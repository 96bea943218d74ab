/** The console's calls to the intentops API: the key from session storage on every request. */

const KEY = "intentops.apiKey";

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}
export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.detail === "string" ? body.detail : `HTTP ${status}`);
  }
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; key?: string } = {},
): Promise<T> {
  const key = init.key ?? storedKey();
  const res = await fetch(path, {
    method: init.method ?? "GET",
    headers: {
      ...(key ? { "x-api-key": key } : {}),
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) throw new ApiProblem(res.status, body);
  return body as T;
}

export interface Who {
  keyId: string;
  name: string;
  scopes: string[];
}
export const canWrite = (who: Who) => who.scopes.includes("write") || who.scopes.includes("admin");

export interface IntentSummary {
  intentId: string;
  name: string;
  lifecycleStatus: string;
  phase: string | null;
  runs: number;
  revisions: number;
  updatedAt: string;
}

export interface TimelineStep {
  phase: string;
  at: string;
  durationMs: number | null;
  note?: string;
}
export interface RunView {
  runId: string;
  operation: string;
  phase: string;
  createdAt: string;
  updatedAt: string;
  timeline: TimelineStep[];
  sites: Record<string, { commit: string | null; healthy: boolean | null }>;
  deliveryCommit: string | null;
  revertCommit: string | null;
  verdict: { decision: string; action?: string; reasons: string[] } | null;
  error?: { code: string; message: string };
}
export interface RunsView {
  intentId: string;
  body: Record<string, unknown>;
  runs: RunView[];
}

export interface EvidenceRecord {
  seq: number;
  action: string;
  subject: string;
  timestamp: string;
  result: string;
  commit: string | null;
  details?: Record<string, unknown>;
  error?: { code: string; message: string };
  chain: { prev: string | null; digest: string };
  [key: string]: unknown;
}
export interface EvidenceView {
  verification: { ok: boolean; problems: { kind: string; seq: number | null; message: string }[] };
  records: EvidenceRecord[];
}

export const TERMINAL = new Set([
  "Succeeded",
  "SucceededWithAlerts",
  "Scaled",
  "Held",
  "RolledBack",
  "RollbackFailed",
  "Failed",
  "CompensationFailed",
  "Deleted",
]);
