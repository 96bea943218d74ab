/**
 * The review mode of the TMF921 intent routes (`intentops serve --review`): a `POST …/intent` that asks for
 * review (`Prefer: review`, RFC 7240; or every create with `--review always`) is proposed as a pull request
 * (reviewGate.ts) instead of being accepted into intake, and answered 201 with the Intent waiting for
 * approval (`lifecycleStatus: pendingApproval`, `Preference-Applied: review`, the pull request in
 * `X-Intentops-Pull-Request`). `GET …/intent/{id}` of an intent that exists only as a proposal answers it as
 * `pendingApproval`, or `withdrawn` once its pull request was closed unmerged. A merged proposal is an
 * ordinary intent (intake, runs) and is answered by the intent routes.
 *
 * Hooks rather than routes: the paths are the intent routes' own, and a preHandler runs after their body
 * schema, the API key and the scope are checked.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { IntentopsError } from "../../../compiler/errors.js";
import type { IntakeRecord } from "../../intake/createIntake.js";
import { authorOf, type RouteContext } from "../buildApp.js";
import { intentHref, selectFields, toTmfIntent } from "../intentResource.js";
import { TMF921_BASE } from "../openApiDocument.js";
import { ApiError } from "../problem.js";
import { PENDING_APPROVAL, type Proposal, type ReviewGate, WITHDRAWN } from "../reviewGate.js";

/** `on-request`: only creates sent with `Prefer: review`; `always`: every create (a site's policy). */
export type ReviewPolicy = "on-request" | "always";

export interface ReviewMode {
  gate: ReviewGate;
  policy: ReviewPolicy;
}

const SAFE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** True when the request's `Prefer` header names the `review` preference. */
export function prefersReview(request: FastifyRequest): boolean {
  const header = request.headers.prefer;
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.some((v) =>
    v
      .split(",")
      .map((token) => token.split(/[;=]/)[0]!.trim().toLowerCase())
      .includes("review"),
  );
}

/** The TMF921 Intent of a proposal that is not (yet, or ever) an intake record. */
export function proposedIntent(proposal: Proposal): Record<string, unknown> {
  const record: IntakeRecord = {
    intentId: proposal.intentId,
    text: proposal.text,
    body: JSON.parse(proposal.text) as Record<string, unknown>,
    digest: proposal.digest,
    createdAt: proposal.proposedAt,
    updatedAt: proposal.decidedAt ?? proposal.proposedAt,
    revisions: 1,
  };
  return {
    ...toTmfIntent(record, []),
    lifecycleStatus: proposal.state === "closed" ? WITHDRAWN : PENDING_APPROVAL,
  };
}

export function registerReviewRoutes(app: FastifyInstance, ctx: RouteContext & { review: ReviewMode }): void {
  const collection = `${TMF921_BASE}/intent`;
  const item = `${TMF921_BASE}/intent/:id`;
  const { gate, policy } = ctx.review;

  app.addHook("preHandler", async (request, reply) => {
    const route = request.routeOptions.url;
    const query = request.query as { fields?: string };

    if (request.method === "POST" && route === collection) {
      const asked = prefersReview(request);
      if (!asked && policy !== "always") return;
      const body = request.body as Record<string, unknown>;
      if (body.id !== undefined && (typeof body.id !== "string" || !SAFE_ID.test(body.id))) {
        throw new ApiError(
          400,
          "E_UNSAFE_ID",
          "the intent id must be a DNS label (a-z, 0-9, '-', at most 63)",
          {
            errors: [{ pointer: "/id", detail: "not a DNS label" }],
          },
        );
      }
      const intentId = typeof body.id === "string" ? body.id : ctx.newIntentId(String(body.name ?? "intent"));
      const { href: _href, ...rest } = body;
      const proposal = await gate
        .propose({
          intentId,
          body: { ...rest, id: intentId },
          author: authorOf(request),
          requestId: String(request.id),
        })
        .catch((error: unknown) => {
          if (error instanceof IntentopsError) throw error;
          // GitHub or the Git remote failed: nothing was proposed (the gate forgot it); the client retries.
          request.log.warn({ err: String(error), subject: intentId }, "review proposal failed");
          throw new ApiError(
            503,
            "E_REVIEW_UNAVAILABLE",
            "the pull request could not be opened; nothing was accepted, retry later",
            {
              headers: { "retry-after": "5" },
            },
          );
        });
      request.log.info(
        { intentId, pull: proposal.pull?.number, subject: intentId },
        "intent proposed for review",
      );
      const intent = proposedIntent(proposal);
      ctx.hub.publish("IntentCreateEvent", { intent }, String(request.id));
      if (asked) reply.header("preference-applied", "review");
      return reply
        .code(201)
        .header("location", intentHref(intentId))
        .header("x-intentops-pull-request", proposal.pull!.url)
        .send(selectFields(intent, query.fields));
    }

    if (request.method === "GET" && route === item) {
      const id = (request.params as { id: string }).id;
      if (!SAFE_ID.test(id) || ctx.intake.get(id)) return;
      const proposal = gate.get(id);
      if (!proposal) return;
      if (proposal.pull) reply.header("x-intentops-pull-request", proposal.pull.url);
      return reply.send(selectFields(proposedIntent(proposal), query.fields));
    }
  });
}
