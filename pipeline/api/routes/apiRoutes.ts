/**
 * The intentops routes for the LLM front end and operators: `POST /api/intent` (a TMF921 Intent, answered
 * 202 once it is in the intake log and the run journal; `Idempotency-Key` honoured), `GET
 * /api/intent/{id}` (where to poll) and `GET /api/statistics`.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { convertPlainIntent, isPlainIntent, plainShapeErrors } from "../../../compiler/convertPlainIntent.js";
import { E_PROBE_INTENT, PROBE_INTENT_MESSAGE } from "../../probe/probeIntentProblem.js";
import { authorOf, type RouteContext } from "../buildApp.js";
import { computeStatistics } from "../computeStatistics.js";
import { intentHref, toIntentReport, toTmfIntent } from "../intentResource.js";
import { lifecycleStatusOf } from "../lifecycleStatus.js";
import { ApiError } from "../problem.js";
import { validateResource } from "../validateResource.js";

const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The older demo's plain shape: recognised by its members (converted when it is the whole shape). */
function isPlainShape(body: Record<string, unknown>): boolean {
  return (
    !("expression" in body) &&
    ("qos" in body || "service" in body || "targetSite" in body || "intentId" in body)
  );
}

/**
 * The older demo's plain shape, converted to the TMF921 Intent it means (compiler/convertPlainIntent.ts,
 * the same conversion `intentops compile` shows); a shape that cannot be converted is a 422 with every
 * problem located.
 */
async function convertPlain(
  body: Record<string, unknown>,
  ctx: RouteContext,
): Promise<Record<string, unknown>> {
  if (!ctx.console) {
    throw new ApiError(
      422,
      "E_PLAIN_SHAPE",
      "the older demo's plain intent shape needs the site registry to be converted, and this service has none; POST a TMF921 Intent",
    );
  }
  const conversion = isPlainIntent(body) ? convertPlainIntent(body, await ctx.console.registry()) : undefined;
  if (!conversion?.intent || conversion.problems.length) {
    throw new ApiError(
      422,
      "E_PLAIN_SHAPE",
      "the body looks like the older demo's plain intent shape but cannot be converted to a TMF921 Intent",
      {
        errors: plainShapeErrors(conversion),
      },
    );
  }
  return conversion.intent;
}

export function registerApiRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Body: Record<string, unknown> }>(
    "/api/intent",
    {
      schema: {
        body: { type: "object" },
        headers: { type: "object", properties: { "idempotency-key": { type: "string" } } },
      },
    },
    async (request, reply) => {
      const key = request.headers["idempotency-key"];
      if (key !== undefined && (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key))) {
        throw new ApiError(
          400,
          "E_IDEMPOTENCY_KEY",
          "Idempotency-Key must be 1–255 visible ASCII characters",
          {
            errors: [{ pointer: "/headers/idempotency-key", detail: "1–255 visible ASCII characters" }],
          },
        );
      }
      const converted = isPlainShape(request.body) ? await convertPlain(request.body, ctx) : undefined;
      const body = converted ?? request.body;
      if (body["@type"] === "ProbeIntent") {
        throw new ApiError(422, E_PROBE_INTENT, PROBE_INTENT_MESSAGE, {
          errors: [{ pointer: "/@type", detail: "ProbeIntent" }],
        });
      }
      const problems = validateResource("tmf921:Intent_FVO", body);
      if (problems.length) {
        throw new ApiError(400, "E_VALIDATION", "the body is not a TMF921 Intent (Intent_FVO)", {
          errors: problems,
        });
      }
      let intentId: string;
      if (body.id !== undefined) {
        if (typeof body.id !== "string" || !SAFE_ID.test(body.id)) {
          throw new ApiError(
            400,
            "E_UNSAFE_ID",
            "the intent id must be a DNS label (a-z, 0-9, '-', at most 63)",
            {
              errors: [{ pointer: "/id", detail: "not a DNS label" }],
            },
          );
        }
        intentId = body.id;
      } else intentId = ctx.newIntentId(String(body.name ?? "intent"));
      const identity = authorOf(request);
      const idempotency =
        typeof key === "string"
          ? {
              key: `${identity.keyId}:${key}`,
              bodyDigest: `sha256:${createHash("sha256").update(stringifyCanonical(body)).digest("hex")}`,
            }
          : undefined;
      const { href: _href, ...rest } = body;
      const accepted = await ctx.intake.accept({
        kind: "create",
        intentId,
        body: { ...rest, id: intentId },
        author: identity,
        requestId: String(request.id),
        ...(idempotency ? { idempotency } : {}),
      });
      const id = accepted.record.intentId;
      request.log.info({ intentId: id, subject: id, replayed: accepted.replayed }, "intent accepted");
      if (!accepted.replayed) {
        // Neither the run's submission nor the Git commit is awaited: the intake log holds the change, and
        // a restart finishes both (see createIntake). Failures are logged; the committer retries.
        accepted.committed.catch(() => undefined);
        accepted.run.then(
          (run) => {
            request.log.info({ intentId: id, runId: run.runId, subject: id }, "run submitted");
            ctx.hub.publish(
              "IntentCreateEvent",
              () => ({ intent: toTmfIntent(accepted.record, ctx.intake.runsOf(id)) }),
              String(request.id),
            );
            ctx.hub.publish(
              "IntentReportCreateEvent",
              () => ({ intentReport: toIntentReport(id, run) }),
              String(request.id),
            );
          },
          (error: unknown) =>
            request.log.error({ err: error, intentId: id }, "run not submitted; a restart submits it"),
        );
      }
      return reply
        .code(202)
        .header("location", `/api/intent/${id}`)
        .send({
          intentId: id,
          lifecycleStatus: lifecycleStatusOf(ctx.intake.runsOf(id).at(-1)),
          href: intentHref(id),
          statusUrl: `/api/intent/${id}`,
          replayed: accepted.replayed,
          // The plain shape as the TMF921 Intent it was read as: what was accepted, shown to the sender.
          ...(converted ? { converted: { ...converted, id } } : {}),
        });
    },
  );

  app.get<{ Params: { id: string } }>(
    "/api/intent/:id",
    { schema: { params: { type: "object", properties: { id: { type: "string", maxLength: 200 } } } } },
    async (request) => {
      const id = request.params.id;
      if (!SAFE_ID.test(id) || !ctx.intake.get(id)) throw new ApiError(404, "E_NOT_FOUND", `no intent ${id}`);
      const runs = ctx.intake.runsOf(id);
      return {
        intentId: id,
        lifecycleStatus: lifecycleStatusOf(runs.at(-1)),
        runs: runs.map((r) => ({
          runId: r.runId,
          phase: r.phase,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
          ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
        })),
      };
    },
  );

  app.get("/api/statistics", async () => computeStatistics(await ctx.journalEvents()));
}
