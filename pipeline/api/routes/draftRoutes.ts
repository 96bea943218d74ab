/**
 * `POST /api/intent/draft`: a sentence (`{ text, backend? }`) or a TMF921 intent (`{ intent }`) → the
 * TMF921 intent, its compiled TS 28.312 intent and the rendered change per site, before anything is
 * written. The embedded parser is the default backend; `backend: "llm"` uses the OpenAI-compatible one
 * when serve was started with it. A draft that cannot be made or does not compile is a 422 problem with
 * every problem and what the parser read; an LLM endpoint that does not answer is a 502/504.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Problem } from "../../../compiler/errors.js";
import { draftIntent, type NlDraft } from "../../../compiler/nl/draftIntent.js";
import { draftWithLlm, type LlmAttempt } from "../../nl/draftWithLlm.js";
import { previewIntent } from "../../nl/previewIntent.js";
import type { RouteContext } from "../buildApp.js";
import type { ConsoleDeps } from "../consoleDeps.js";
import { ApiError, problemBody } from "../problem.js";

const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

interface DraftBody {
  text?: string;
  intent?: Record<string, unknown>;
  backend?: "embedded" | "llm";
}

export function registerDraftRoutes(app: FastifyInstance, ctx: RouteContext, deps: ConsoleDeps): void {
  app.post<{ Body: DraftBody }>(
    "/api/intent/draft",
    {
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          properties: {
            text: { type: "string", maxLength: 2000 },
            intent: { type: "object" },
            backend: { type: "string", enum: ["embedded", "llm"] },
          },
          oneOf: [{ required: ["text"] }, { required: ["intent"] }],
        },
      },
    },
    async (request, reply) => {
      const registry = await deps.registry();
      const body = request.body;
      const backend = body.intent ? "json" : (body.backend ?? "embedded");
      let intent: Record<string, unknown> | null = null;
      let reading: Omit<NlDraft, "intent" | "problems"> | undefined;
      let attempts: LlmAttempt[] | undefined;
      if (body.intent) intent = body.intent;
      else if (backend === "llm") {
        if (!deps.llm) {
          throw new ApiError(
            400,
            "E_NO_LLM",
            "no LLM backend is configured (serve --llm-base-url); use the embedded one",
            {
              errors: [{ pointer: "/backend", detail: "not configured" }],
            },
          );
        }
        const result = await draftWithLlm(body.text!, registry, deps.llm.config, deps.llm.deps);
        attempts = result.attempts;
        if (!result.ok) {
          if (result.code === "E_LLM_INVALID")
            return refuse(reply, request, 422, result.code, result.message, result.problems, { attempts });
          const status = result.code === "E_LLM_TIMEOUT" ? 504 : 502;
          return refuse(reply, request, status, result.code, result.message, result.problems, { attempts });
        }
        intent = result.intent;
      } else {
        const draft = draftIntent(body.text!, registry);
        const { intent: drafted, problems, ...rest } = draft;
        reading = rest;
        if (!drafted) {
          return refuse(
            reply,
            request,
            422,
            "E_DRAFT",
            "the text could not be drafted into an intent",
            problems,
            rest,
          );
        }
        intent = drafted;
      }
      const id = typeof intent.id === "string" && SAFE_ID.test(intent.id) ? intent.id : undefined;
      const base = id ? ctx.intake.get(id)?.body : undefined;
      const preview = await previewIntent(intent, registry, deps.functions, base);
      if (!preview.ok) {
        return refuse(
          reply,
          request,
          422,
          "E_DRAFT_INVALID",
          "the intent does not compile or render",
          preview.problems,
          {
            intent,
            ...(reading ?? {}),
            ...(attempts ? { attempts } : {}),
          },
        );
      }
      return {
        backend,
        intent,
        exists: base !== undefined,
        compiled: preview.compiled,
        intent28312: preview.compiled.spec.intent,
        sites: preview.sites,
        ...(reading ?? {}),
        ...(attempts ? { attempts } : {}),
      };
    },
  );
}

function refuse(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: string,
  message: string,
  problems: readonly Problem[],
  extra: Record<string, unknown>,
): FastifyReply {
  const error = new ApiError(status, code, message, {
    errors: problems.slice(0, 50).map((p) => ({ pointer: p.pointer, detail: p.message, code: p.code })),
  });
  return reply
    .code(status)
    .type("application/problem+json")
    .send({ ...problemBody(error, request), ...extra });
}
