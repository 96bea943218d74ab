/**
 * draftWithLlm: an operator's sentence → a TMF921 intent through an OpenAI-compatible chat-completions
 * endpoint (`POST {baseUrl}/chat/completions`, structured output: `response_format` `json_schema` with
 * our schema). Every answer is parsed within limits and compiled against the site registry; when it is
 * not valid JSON or does not compile (an unknown site, parameter or value), the problems are sent back
 * as the next user message and the model answers again — at most `maxAttempts` answers in all. Timeouts,
 * 429 (Retry-After honoured, capped) and 5xx count as attempts too. The key is sent as a Bearer token and
 * appears in no error, attempt record or log.
 *
 * The official `openai` client is not used: its current major needs Node ≥ 22 and the project runs on
 * Node 20; the contract used here is one POST and its JSON answer.
 */
import { compileIntent } from "../../compiler/compileIntent.js";
import { InvalidInputError, type Problem } from "../../compiler/errors.js";
import { parseJsonSafely } from "../../compiler/parseJsonSafely.js";
import type { CompiledIntent, SiteRegistry } from "../../compiler/types.js";
import { llmDraftSchema, llmSystemPrompt } from "./llmDraftSchema.js";

export interface LlmConfig {
  /** e.g. `https://api.openai.com/v1` or a local server's `/v1`. */
  baseUrl: string;
  model: string;
  /** The key itself, resolved by the caller from its reference (env var or file); may be absent. */
  apiKey?: string;
  /** Answers asked for in all (first + retries). Default 3. */
  maxAttempts?: number;
  /** Per request. Default 30 000 ms. */
  timeoutMs?: number;
  /** Longest Retry-After honoured. Default 5 000 ms. */
  maxRetryAfterMs?: number;
}

export interface LlmDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

export interface LlmAttempt {
  attempt: number;
  /** `ok`, `invalid` (answer had problems, fed back), or what went wrong with the call. */
  outcome: "ok" | "invalid" | "timeout" | "rate-limited" | "server-error" | "unreachable";
  status?: number;
  problems?: Problem[];
}

export type LlmDraft =
  | { ok: true; intent: Record<string, unknown>; compiled: CompiledIntent; attempts: LlmAttempt[] }
  | {
      ok: false;
      /** `E_LLM_INVALID`: every answer had problems; the others: the endpoint did not answer usefully. */
      code: "E_LLM_INVALID" | "E_LLM_TIMEOUT" | "E_LLM_RATE_LIMITED" | "E_LLM_UNAVAILABLE" | "E_LLM_REFUSED";
      message: string;
      problems: Problem[];
      attempts: LlmAttempt[];
    };

type Message = { role: "system" | "user" | "assistant"; content: string };

export async function draftWithLlm(
  text: string,
  registry: SiteRegistry,
  config: LlmConfig,
  deps: LlmDeps,
): Promise<LlmDraft> {
  const maxAttempts = Math.max(1, Math.min(config.maxAttempts ?? 3, 10));
  const url = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const schema = llmDraftSchema(registry);
  const messages: Message[] = [
    { role: "system", content: llmSystemPrompt(registry) },
    { role: "user", content: text },
  ];
  const attempts: LlmAttempt[] = [];
  let lastProblems: Problem[] = [];
  let lastCall: LlmAttempt["outcome"] | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: config.model,
          temperature: 0,
          messages,
          response_format: {
            type: "json_schema",
            json_schema: { name: "tmf921_intent", schema, strict: false },
          },
        }),
        signal: AbortSignal.timeout(config.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const timeout =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      lastCall = timeout ? "timeout" : "unreachable";
      attempts.push({ attempt, outcome: lastCall });
      continue;
    }
    const body = await response.text().catch(() => "");
    if (response.status === 429 || response.status >= 500) {
      lastCall = response.status === 429 ? "rate-limited" : "server-error";
      attempts.push({ attempt, outcome: lastCall, status: response.status });
      if (attempt < maxAttempts) await deps.sleep(retryAfterMs(response, config.maxRetryAfterMs ?? 5000));
      continue;
    }
    if (!response.ok) {
      attempts.push({ attempt, outcome: "unreachable", status: response.status });
      return {
        ok: false,
        code: "E_LLM_REFUSED",
        message: `the model endpoint refused the request with HTTP ${response.status}`,
        problems: [],
        attempts,
      };
    }
    lastCall = undefined;
    const content = messageContent(body);
    const problems: Problem[] = [];
    let intent: Record<string, unknown> | undefined;
    if (content === undefined) {
      problems.push({
        code: "E_LLM_ANSWER",
        pointer: "",
        message: "the answer has no choices[0].message.content",
      });
    } else {
      const parsed = parseJsonSafely(content, { maxBytes: 256 * 1024, maxDepth: 32 });
      if (!parsed.ok) problems.push(...parsed.problems);
      else if (!parsed.value || typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
        problems.push({ code: "E_SCHEMA", pointer: "", message: "the answer is not a JSON object" });
      } else intent = parsed.value as Record<string, unknown>;
    }
    if (intent) {
      try {
        const compiled = await compileIntent(JSON.stringify(intent), registry);
        attempts.push({ attempt, outcome: "ok" });
        return { ok: true, intent, compiled, attempts };
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        problems.push(...error.problems);
      }
    }
    lastProblems = problems.slice(0, 20);
    attempts.push({ attempt, outcome: "invalid", problems: lastProblems });
    messages.push({ role: "assistant", content: (content ?? "").slice(0, 64 * 1024) });
    messages.push({
      role: "user",
      content: [
        "That answer is not a valid intent. Problems (JSON pointer: message [code]):",
        ...lastProblems.map((p) => `${p.pointer || "/"}: ${p.message} [${p.code}]`),
        "Answer again with the corrected Intent JSON only. Use only the sites and parameters listed.",
      ].join("\n"),
    });
  }
  if (lastCall) {
    const code =
      lastCall === "timeout"
        ? "E_LLM_TIMEOUT"
        : lastCall === "rate-limited"
          ? "E_LLM_RATE_LIMITED"
          : "E_LLM_UNAVAILABLE";
    return {
      ok: false,
      code,
      message: `the model endpoint did not give a usable answer in ${maxAttempts} attempt(s) (last: ${lastCall})`,
      problems: lastProblems,
      attempts,
    };
  }
  return {
    ok: false,
    code: "E_LLM_INVALID",
    message: `the model's answers did not compile in ${maxAttempts} attempt(s); nothing was drafted`,
    problems: lastProblems,
    attempts,
  };
}

function messageContent(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] };
    const content = parsed.choices?.[0]?.message?.content;
    return typeof content === "string" ? content : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterMs(response: Response, cap: number): number {
  const header = response.headers.get("retry-after");
  const seconds = header && /^\d+(\.\d+)?$/.test(header.trim()) ? Number(header) : 1;
  return Math.min(cap, Math.max(0, seconds * 1000));
}
