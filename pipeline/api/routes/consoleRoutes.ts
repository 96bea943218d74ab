/**
 * The web console's routes: the built console under `/console/` (public: it holds no data; every API call
 * it makes carries the key), and the read models it shows — who the key is, the intents with their state,
 * each run's phase timeline and per-site health, the evidence chain with its verification — plus a new
 * revision of an intent and its rollback (write scope, as every non-GET route).
 */
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { IntentopsError } from "../../../compiler/errors.js";
import { listEvidence } from "../../evidence/listEvidence.js";
import { verifyEvidence } from "../../evidence/verifyEvidence.js";
import { rollbackIntent } from "../../git/rollbackIntent.js";
import type { RunEvent } from "../../run/runTypes.js";
import { authorOf, type RouteContext } from "../buildApp.js";
import type { ConsoleDeps } from "../consoleDeps.js";
import { lifecycleStatusOf } from "../lifecycleStatus.js";
import { ApiError } from "../problem.js";
import { validateResource } from "../validateResource.js";

/** Refusals of a rollback that are the request's, not the server's: nothing to revert, a conflict. */
const ROLLBACK_REFUSALS: Record<string, number> = {
  E_REVERT_EMPTY: 409,
  E_REVERT_MERGE: 409,
  E_REVERT_CONFLICT: 409,
  E_LOCAL_CHANGES: 409,
  E_REVERT_TARGET: 404,
  E_NOT_FOUND: 404,
};
const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ID_PARAMS = { type: "object", properties: { id: { type: "string", maxLength: 200 } } };

export async function registerConsoleRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  deps: ConsoleDeps,
): Promise<void> {
  await app.register(fastifyStatic, { root: deps.staticDirs, prefix: "/console/", index: "index.html" });
  // preact's ES modules, named by the console's import map; only these three files.
  const vendor: Record<string, string> = {
    "preact.mjs": "dist/preact.mjs",
    "hooks.mjs": "hooks/dist/hooks.mjs",
    "jsx-runtime.mjs": "jsx-runtime/dist/jsxRuntime.mjs",
  };
  app.get<{ Params: { file: string } }>("/console/vendor/:file", async (request, reply) => {
    const file = vendor[request.params.file];
    if (!file) throw new ApiError(404, "E_NO_ROUTE", `no console file ${request.params.file}`);
    return reply.type("text/javascript").sendFile(file, deps.preactDir);
  });
  app.get("/console", async (_request, reply) => reply.redirect("/console/"));
  app.get("/", async (_request, reply) => reply.redirect("/console/"));

  const known = (id: string) => {
    if (!SAFE_ID.test(id) || !ctx.intake.get(id)) throw new ApiError(404, "E_NOT_FOUND", `no intent ${id}`);
    return ctx.intake.get(id)!;
  };

  app.get("/api/whoami", async (request) => {
    const id = request.identity!;
    return { keyId: id.keyId, name: id.name, scopes: [...id.scopes].sort() };
  });

  app.get("/api/intents", async () =>
    ctx.intake.list().map((record) => {
      const runs = ctx.intake.runsOf(record.intentId);
      const last = runs.at(-1);
      return {
        intentId: record.intentId,
        name: typeof record.body.name === "string" ? record.body.name : record.intentId,
        lifecycleStatus: lifecycleStatusOf(last),
        phase: last?.phase ?? null,
        runs: runs.length,
        revisions: record.revisions,
        updatedAt: last?.updatedAt ?? record.updatedAt,
      };
    }),
  );

  app.get<{ Params: { id: string } }>(
    "/api/intent/:id/runs",
    { schema: { params: ID_PARAMS } },
    async (request) => {
      const record = known(request.params.id);
      const runs = ctx.intake.runsOf(record.intentId);
      const events = await ctx.journalEvents();
      return {
        intentId: record.intentId,
        body: record.body,
        runs: runs.map((run) => ({
          runId: run.runId,
          operation: run.operation ?? "apply",
          phase: run.phase,
          createdAt: run.createdAt,
          updatedAt: run.updatedAt,
          timeline: timelineOf(run.runId, run.createdAt, events),
          sites: Object.fromEntries(
            (run.data.sites ?? []).map((site) => [
              site,
              {
                commit: run.data.reconciled?.[site]?.commit ?? null,
                healthy: run.data.reconciled?.[site]?.healthy ?? null,
              },
            ]),
          ),
          deliveryCommit: run.data.deliveryCommit ?? null,
          revertCommit: run.data.revertCommit ?? null,
          verdict: run.data.verdict ?? null,
          restoredVerdict: run.data.restoredVerdict ?? null,
          ...(run.error ? { error: { code: run.error.code, message: run.error.message } } : {}),
        })),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/api/intent/:id/evidence",
    { schema: { params: ID_PARAMS } },
    async (request) => {
      const record = known(request.params.id);
      const options = {
        dir: deps.repo.dir,
        intentId: record.intentId,
        ...(deps.repo.remote ? { remote: deps.repo.remote } : {}),
      };
      const records = await listEvidence(options, deps.git);
      const verification = await verifyEvidence(options, deps.git);
      return { intentId: record.intentId, verification, records };
    },
  );

  // A new revision of an intent, the whole document (what the console previewed): `POST /api/intent` only
  // creates, and a merge patch could not remove a key the previous revision had.
  app.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
    "/api/intent/:id",
    { schema: { params: ID_PARAMS, body: { type: "object" } } },
    async (request, reply) => {
      const record = known(request.params.id);
      const body = request.body;
      if (body.id !== undefined && body.id !== record.intentId) {
        throw new ApiError(400, "E_ID_MISMATCH", `the body's id is not ${record.intentId}`, {
          errors: [{ pointer: "/id", detail: `must be ${record.intentId} (the path's id)` }],
        });
      }
      const problems = validateResource("tmf921:Intent_FVO", body);
      if (problems.length) {
        throw new ApiError(400, "E_VALIDATION", "the body is not a TMF921 Intent (Intent_FVO)", {
          errors: problems,
        });
      }
      const { href: _href, ...rest } = body;
      const accepted = await ctx.intake.accept({
        kind: "revise",
        intentId: record.intentId,
        body: { ...rest, id: record.intentId },
        author: authorOf(request),
        requestId: String(request.id),
      });
      const run = await accepted.run;
      request.log.info(
        { intentId: record.intentId, runId: run.runId, subject: record.intentId },
        "intent revised",
      );
      return reply
        .code(202)
        .send({ intentId: record.intentId, runId: run.runId, revisions: accepted.record.revisions });
    },
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } }>(
    "/api/intent/:id/rollback",
    {
      schema: {
        params: ID_PARAMS,
        body: {
          type: "object",
          additionalProperties: false,
          properties: { reason: { type: "string", maxLength: 500 } },
        },
      },
    },
    async (request, reply) => {
      const record = known(request.params.id);
      const who = request.identity!;
      const result = await rollbackIntent(
        {
          ...deps.repo,
          target: record.intentId,
          trigger: { kind: "api", by: who.keyId },
          reason: request.body?.reason ?? `rollback requested in the console by ${who.keyId}`,
          ...(deps.secrets ? { secrets: deps.secrets } : {}),
        },
        deps.git,
      ).catch((error: unknown) => {
        const status = error instanceof IntentopsError ? ROLLBACK_REFUSALS[error.code] : undefined;
        if (!status || !(error instanceof IntentopsError)) throw error;
        throw new ApiError(status, error.code, error.message);
      });
      request.log.info(
        { intentId: record.intentId, subject: record.intentId, commit: result.outcome.commit },
        "rolled back",
      );
      return reply.code(201).send({
        intentId: record.intentId,
        reverted: result.outcome.reverted,
        revertedSubject: result.outcome.revertedSubject,
        commit: result.outcome.commit,
        pushed: result.outcome.pushed,
      });
    },
  );
}

/** Phases of one run in order, each with its start and how long it lasted (until the next, or still running). */
function timelineOf(runId: string, createdAt: string, events: readonly RunEvent[]) {
  const steps: { phase: string; at: string; note?: string }[] = [{ phase: "Pending", at: createdAt }];
  for (const event of events) {
    if (event.type === "phase" && event.runId === runId) {
      steps.push({ phase: event.phase, at: event.at, ...(event.note ? { note: event.note } : {}) });
    } else if (event.type === "failed" && event.runId === runId && event.phase) {
      steps.push({ phase: event.phase, at: event.at, note: `${event.error.code}: ${event.error.message}` });
    }
  }
  return steps.map((step, i) => {
    const next = steps[i + 1];
    return {
      ...step,
      durationMs: next ? Math.max(0, Date.parse(next.at) - Date.parse(step.at)) : null,
    };
  });
}
