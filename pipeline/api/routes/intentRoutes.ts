/**
 * The TMF921 v5 Intent and IntentReport routes, as the official OpenAPI names them (under
 * `/tmf-api/intentManagement/v5`): list/create/retrieve/patch/delete intents, list/retrieve/delete the
 * reports of an intent. Every write goes through intake (intake log → run → Git commit) and is answered
 * once Git holds it.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Accepted } from "../../intake/createIntake.js";
import { E_PROBE_INTENT, PROBE_INTENT_MESSAGE } from "../../probe/probeIntentProblem.js";
import type { RunState } from "../../run/runTypes.js";
import { authorOf, type RouteContext } from "../buildApp.js";
import { intentHref, selectFields, toIntentReport, toTmfIntent } from "../intentResource.js";
import { TMF921_BASE } from "../openApiDocument.js";
import { ApiError } from "../problem.js";
import { validateResource } from "../validateResource.js";

const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PAGE = {
  fields: { type: "string", maxLength: 1000 },
  offset: { type: "string", pattern: "^[0-9]{1,9}$" },
  limit: { type: "string", pattern: "^[0-9]{1,4}$" },
};
const ID_PARAM = { type: "string", minLength: 1, maxLength: 200 };

export function registerIntentRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const base = TMF921_BASE;
  const tmf = (name: string) => ({ $ref: `${ctx.tmf}#/components/schemas/${name}` });

  const recordOf = (id: string) => {
    const record = SAFE_ID.test(id) ? ctx.intake.get(id) : undefined;
    if (!record) throw new ApiError(404, "E_NOT_FOUND", `no intent ${id}`);
    return record;
  };
  const intentOf = (id: string) => toTmfIntent(recordOf(id), ctx.intake.runsOf(id));

  const committed = async (accepted: { committed: Promise<string | null> }) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), ctx.limits.commitWaitMs);
    });
    const outcome = await Promise.race([accepted.committed, timeout]).finally(() => clearTimeout(timer));
    if (outcome === "timeout") {
      throw new ApiError(
        503,
        "E_GIT_UNAVAILABLE",
        "accepted into the intake log, but the Git remote has not taken the commit yet; it is retried",
        { headers: { "retry-after": "5" } },
      );
    }
  };

  const announce = (eventType: string, request: FastifyRequest, accepted: Accepted, run: RunState) => {
    const intent = toTmfIntent(accepted.record, ctx.intake.runsOf(accepted.record.intentId));
    ctx.hub.publish(eventType, { intent }, String(request.id));
    ctx.hub.publish(
      "IntentReportCreateEvent",
      { intentReport: toIntentReport(accepted.record.intentId, run) },
      String(request.id),
    );
  };

  const page = <T>(items: T[], query: { offset?: string; limit?: string }) => {
    const offset = query.offset ? Number(query.offset) : 0;
    const limit = query.limit ? Math.min(Number(query.limit), 1000) : 100;
    return items.slice(offset, offset + limit);
  };

  app.get<{ Querystring: { fields?: string; offset?: string; limit?: string } }>(
    `${base}/intent`,
    { schema: { querystring: { type: "object", properties: PAGE } } },
    async (request, reply) => {
      const all = ctx.intake.list();
      const items = page(all, request.query).map((r) =>
        selectFields(toTmfIntent(r, ctx.intake.runsOf(r.intentId)), request.query.fields),
      );
      return reply
        .header("x-total-count", String(all.length))
        .header("x-result-count", String(items.length))
        .send(items);
    },
  );

  app.post<{ Body: Record<string, unknown>; Querystring: { fields?: string } }>(
    `${base}/intent`,
    {
      schema: {
        body: tmf("Intent_FVO"),
        querystring: { type: "object", properties: { fields: PAGE.fields } },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body["@type"] === "ProbeIntent") {
        throw new ApiError(422, E_PROBE_INTENT, PROBE_INTENT_MESSAGE, {
          errors: [{ pointer: "/@type", detail: "ProbeIntent" }],
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
      const { href: _href, ...rest } = body;
      const accepted = await ctx.intake.accept({
        kind: "create",
        intentId,
        body: { ...rest, id: intentId },
        author: authorOf(request),
        requestId: String(request.id),
      });
      const run = await accepted.run;
      request.log.info({ intentId, runId: run.runId, subject: intentId }, "intent accepted");
      await committed(accepted);
      announce("IntentCreateEvent", request, accepted, run);
      return reply
        .code(201)
        .header("location", intentHref(intentId))
        .send(selectFields(intentOf(intentId), request.query.fields));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { fields?: string } }>(
    `${base}/intent/:id`,
    {
      schema: {
        params: { type: "object", properties: { id: ID_PARAM } },
        querystring: { type: "object", properties: { fields: PAGE.fields } },
      },
    },
    async (request) => selectFields(intentOf(request.params.id), request.query.fields),
  );

  app.patch<{ Params: { id: string }; Body: Record<string, unknown>; Querystring: { fields?: string } }>(
    `${base}/intent/:id`,
    {
      schema: {
        params: { type: "object", properties: { id: ID_PARAM } },
        body: tmf("Intent_MVO"),
        querystring: { type: "object", properties: { fields: PAGE.fields } },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const record = recordOf(id);
      const patch = request.body;
      for (const key of ["id", "href", "creationDate", "lastUpdate", "lifecycleStatus", "statusChangeDate"]) {
        if (key in patch && !(key === "id" && patch.id === id)) {
          throw new ApiError(400, "E_READ_ONLY", `${key} is set by the server`, {
            errors: [{ pointer: `/${key}`, detail: "read-only" }],
          });
        }
      }
      const merged = mergePatch(record.body, patch) as Record<string, unknown>;
      const problems = validateResource("tmf921:Intent_FVO", merged);
      if (problems.length) {
        throw new ApiError(400, "E_VALIDATION", "the patched intent does not match Intent_FVO", {
          errors: problems,
        });
      }
      const accepted = await ctx.intake.accept({
        kind: "revise",
        intentId: id,
        body: { ...merged, id },
        author: authorOf(request),
        requestId: String(request.id),
      });
      const run = await accepted.run;
      request.log.info({ intentId: id, runId: run.runId, subject: id }, "intent revised");
      await committed(accepted);
      announce("IntentAttributeValueChangeEvent", request, accepted, run);
      return reply.send(selectFields(intentOf(id), request.query.fields));
    },
  );

  app.delete<{ Params: { id: string } }>(
    `${base}/intent/:id`,
    { schema: { params: { type: "object", properties: { id: ID_PARAM } } } },
    async (request, reply) => {
      const id = request.params.id;
      const before = intentOf(id);
      const removed = await ctx.intake.remove({
        intentId: id,
        author: authorOf(request),
        requestId: String(request.id),
      });
      const run = await removed.run;
      request.log.info({ intentId: id, runId: run.runId, subject: id }, "intent deletion submitted");
      ctx.hub.publish(
        "IntentDeleteEvent",
        { intent: { ...before, lifecycleStatus: "deleted" } },
        String(request.id),
      );
      // 204 once the delete flow is done (removal commit, sites pruned); 202 when it takes longer.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((r) => {
        timer = setTimeout(() => r("timeout"), ctx.limits.commitWaitMs);
      });
      const final = await Promise.race([ctx.intake.wait(run.runId), timeout]).finally(() =>
        clearTimeout(timer),
      );
      if (final === "timeout") return reply.code(202).send();
      if (final.phase !== "Deleted") {
        throw new ApiError(
          500,
          "E_DELETE_FAILED",
          `the delete run ${run.runId} ended ${final.phase}: ${final.error?.message ?? ""}`,
        );
      }
      return reply.code(204).send();
    },
  );

  const reportsOf = (intentId: string) => {
    recordOf(intentId);
    return ctx.intake
      .runsOf(intentId)
      .filter((r) => !ctx.reports.has(r.runId))
      .map((r) => toIntentReport(intentId, r));
  };
  const reportOf = (intentId: string, id: string) => {
    const report = reportsOf(intentId).find((r) => r.id === id);
    if (!report) throw new ApiError(404, "E_NOT_FOUND", `intent ${intentId} has no report ${id}`);
    return report;
  };
  const reportParams = { type: "object", properties: { intentId: ID_PARAM, id: ID_PARAM } };

  app.get<{
    Params: { intentId: string };
    Querystring: { fields?: string; offset?: string; limit?: string };
  }>(
    `${base}/intent/:intentId/intentReport`,
    { schema: { params: reportParams, querystring: { type: "object", properties: PAGE } } },
    async (request, reply) => {
      const all = reportsOf(request.params.intentId);
      const items = page(all, request.query).map((r) => selectFields(r, request.query.fields));
      return reply
        .header("x-total-count", String(all.length))
        .header("x-result-count", String(items.length))
        .send(items);
    },
  );

  app.get<{ Params: { intentId: string; id: string }; Querystring: { fields?: string } }>(
    `${base}/intent/:intentId/intentReport/:id`,
    {
      schema: { params: reportParams, querystring: { type: "object", properties: { fields: PAGE.fields } } },
    },
    async (request) =>
      selectFields(reportOf(request.params.intentId, request.params.id), request.query.fields),
  );

  app.delete<{ Params: { intentId: string; id: string } }>(
    `${base}/intent/:intentId/intentReport/:id`,
    { schema: { params: reportParams } },
    async (request, reply) => {
      const report = reportOf(request.params.intentId, request.params.id);
      await ctx.reports.add(String(report.id));
      ctx.hub.publish("IntentReportDeleteEvent", { intentReport: report }, String(request.id));
      return reply.code(204).send();
    },
  );
}

/** RFC 7386 JSON Merge Patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === "object" && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
