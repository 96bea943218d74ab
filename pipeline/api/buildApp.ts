/**
 * buildApp: the fastify application of `intentops serve` — fastify because it declares routes with their
 * JSON schemas (validation from the same OpenAPI text the contract tests use), has `inject()` for tests
 * without a socket, and takes an injected pino logger. Every effect comes in through `ApiDeps`.
 *
 * Order of a request: request id → identify the API key (no refusal yet) → rate limit per key (or per
 * address without one) → parse the body within the size and depth limits → check the scope → route.
 */
import { randomUUID } from "node:crypto";
import rateLimit from "@fastify/rate-limit";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import { parseJsonSafely } from "../../compiler/parseJsonSafely.js";
import type { Intake } from "../intake/createIntake.js";
import type { RequestLog } from "../requests/openRequestLog.js";
import type { RunEvent } from "../run/runTypes.js";
import { type ApiKeyIdentity, type ApiKeyRing, allows, type Scope } from "./apiKeys.js";
import type { ConsoleDeps } from "./consoleDeps.js";
import type { HubNotifier } from "./hubNotifier.js";
import { OURS_SCHEMA_ID, ourSchemas, TMF921_SCHEMA_ID, tmf921Schemas } from "./openApiDocument.js";
import { ApiError, sendProblem } from "./problem.js";
import type { ReportTombstones } from "./reportTombstones.js";
import { registerApiRoutes } from "./routes/apiRoutes.js";
import { registerConsoleRoutes } from "./routes/consoleRoutes.js";
import { registerDraftRoutes } from "./routes/draftRoutes.js";
import { registerHubRoutes } from "./routes/hubRoutes.js";
import { registerIntentRoutes } from "./routes/intentRoutes.js";
import { registerOperationsRoutes } from "./routes/operationsRoutes.js";
import { registerRequestRoutes } from "./routes/requestRoutes.js";
import { type ReviewMode, registerReviewRoutes } from "./routes/reviewRoutes.js";
import { registerSpecificationRoutes } from "./routes/specificationRoutes.js";
import type { ServiceMetrics } from "./serviceMetrics.js";
import { validatorFor } from "./validateResource.js";

export interface ApiLimits {
  /** Largest request body in bytes. Default 256 KiB. */
  bodyBytes: number;
  /** Deepest nesting of a JSON body. Default 32. */
  depth: number;
  /** Requests per key (or per address without a key) per window. Default 600. */
  rateMax: number;
  /** Rate limit window in ms. Default 60 000. */
  rateWindowMs: number;
  /** How long POST/PATCH on /intent wait for the Git commit (503 after), DELETE for the delete flow (202). */
  commitWaitMs: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  bodyBytes: 256 * 1024,
  depth: 32,
  rateMax: 600,
  rateWindowMs: 60_000,
  commitWaitMs: 30_000,
};

export interface ApiDeps {
  intake: Intake;
  hub: HubNotifier;
  metrics: ServiceMetrics;
  keys: ApiKeyRing;
  reports: ReportTombstones;
  /** The run journal's events (statistics). */
  journalEvents: () => Promise<RunEvent[]>;
  /** Readiness checks: Git remote, journal, site registry. */
  ready: () => Promise<Record<string, { ok: boolean; detail?: string }>>;
  logger: FastifyBaseLogger;
  limits?: Partial<ApiLimits>;
  /** New intent ids (tests pin them). Default: the name's slug and 8 random hex digits. */
  newIntentId?: (name: string) => string;
  /** Review mode: creates proposed as pull requests (routes/reviewRoutes.ts). */
  review?: ReviewMode;
  /** Request records, served under /api/requests when given. */
  requests?: RequestLog;
  /** The web console and the draft route (pipeline/api/routes/consoleRoutes.ts, draftRoutes.ts). */
  console?: ConsoleDeps;
}

/** What a route needs from the request beyond fastify's own. */
declare module "fastify" {
  interface FastifyRequest {
    identity: ApiKeyIdentity | null;
  }
}

/**
 * fastify's per-request lines, quieter: "incoming request" and a successful "request completed" at debug,
 * a refused request (4xx) at info, a failure at error. At info, fastify's two lines for every request were
 * most of the service's log writes under load, and said nothing "intent accepted" does not.
 */
class QuietRequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, "incoming request");
  }
  override requestCompleted(error: Error | null | undefined, _request: FastifyRequest, reply: FastifyReply) {
    if (error)
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, "request errored");
    else if (reply.statusCode >= 400)
      reply.log.info({ res: reply, responseTime: reply.elapsedTime }, "request completed");
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, "request completed");
  }
}

const PUBLIC = new Set(["/health", "/health/ready", "/metrics", "/openapi.json"]);
/** The console's static files and the redirects to it hold no data: served without a key. */
const isConsoleAsset = (path: string) => path === "/" || path === "/console" || path.startsWith("/console/");
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function defaultIntentId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `${slug || "intent"}-${randomUUID().replace(/-/g, "").slice(0, 8)}`;
}

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new QuietRequestLog(),
    bodyLimit: limits.bodyBytes,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // TMF921 uses `format: base64` (attachments), which ajv-formats lacks: accepted as any string.
    ajv: {
      customOptions: {
        strict: false,
        coerceTypes: false,
        removeAdditional: false,
        allErrors: true,
        formats: { base64: true },
      },
    },
    routerOptions: { maxParamLength: 200 },
    // Refusals the router makes before any hook (a too-long id, a malformed URL) are problems too.
    frameworkErrors: (error, request, reply) => {
      const status = error.code === "FST_ERR_MAX_PARAM_LENGTH" ? 414 : 400;
      sendProblem(
        reply,
        request,
        new ApiError(status, "E_BAD_URL", "the request URL is malformed or too long"),
      );
    },
  });
  app.addSchema(tmf921Schemas());
  app.addSchema(ourSchemas());
  // Compiled now, not on the first request (compiling Intent_FVO takes hundreds of ms under load).
  validatorFor("tmf921:Intent_FVO");
  app.decorateRequest("identity", null);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ["application/json", "application/merge-patch+json"],
    { parseAs: "string" },
    (_req, body, done) => {
      const parsed = parseJsonSafely(String(body), { maxBytes: limits.bodyBytes, maxDepth: limits.depth });
      if (parsed.ok) return done(null, parsed.value);
      const code = parsed.problems[0]?.code === "E_TOO_LARGE" ? 413 : 400;
      done(
        new ApiError(
          code,
          parsed.problems[0]?.code ?? "E_SYNTAX",
          "the request body is not acceptable JSON",
          {
            errors: parsed.problems
              .slice(0, 20)
              .map((p) => ({ pointer: p.pointer, detail: p.message, code: p.code })),
          },
        ),
        undefined,
      );
    },
  );

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", String(request.id));
    request.identity = identify(request, deps.keys);
  });
  await app.register(rateLimit, {
    global: true,
    hook: "onRequest",
    max: limits.rateMax,
    timeWindow: limits.rateWindowMs,
    allowList: (request) =>
      PUBLIC.has(request.url.split("?")[0]!) || isConsoleAsset(request.url.split("?")[0]!),
    keyGenerator: (request) => (request.identity ? `key:${request.identity.keyId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        "E_RATE_LIMIT",
        `more than ${context.max} requests in ${context.after}; retry later`,
        {
          headers: { "retry-after": String(Math.max(1, Math.ceil(context.ttl / 1000))) },
        },
      ),
  });
  app.addHook("preHandler", async (request) => {
    const path = request.routeOptions.url ?? request.url;
    if (PUBLIC.has(path) || isConsoleAsset(path)) return;
    if (!request.identity) {
      throw new ApiError(401, "E_UNAUTHENTICATED", "send an API key as X-API-Key or Authorization: Bearer", {
        headers: { "www-authenticate": 'Bearer realm="intentops"' },
      });
    }
    const needed: Scope = request.method === "GET" || request.method === "HEAD" ? "read" : "write";
    if (!allows(request.identity, needed)) {
      throw new ApiError(403, "E_FORBIDDEN", `the key ${request.identity.keyId} lacks the ${needed} scope`);
    }
  });
  app.addHook("onResponse", async (request, reply) => {
    deps.metrics.request(
      request.method,
      request.routeOptions.url ?? "unmatched",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler((error, request, reply) => sendProblem(reply, request, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      new ApiError(404, "E_NO_ROUTE", `no route ${request.method} ${request.url.split("?")[0]}`),
    ),
  );

  const context = {
    ...deps,
    limits,
    newIntentId: deps.newIntentId ?? defaultIntentId,
    tmf: TMF921_SCHEMA_ID,
    ours: OURS_SCHEMA_ID,
  };
  if (deps.review) registerReviewRoutes(app, { ...context, review: deps.review });
  registerIntentRoutes(app, context);
  registerHubRoutes(app, context);
  registerSpecificationRoutes(app, context);
  registerApiRoutes(app, context);
  registerOperationsRoutes(app, context);
  if (deps.requests) registerRequestRoutes(app, deps.requests);
  if (deps.console) {
    registerDraftRoutes(app, context, deps.console);
    await registerConsoleRoutes(app, context, deps.console);
  }
  return app;
}

export type RouteContext = ApiDeps & {
  limits: ApiLimits;
  newIntentId: (name: string) => string;
  tmf: string;
  ours: string;
};

function identify(request: FastifyRequest, keys: ApiKeyRing): ApiKeyIdentity | null {
  const header = request.headers["x-api-key"];
  let presented = typeof header === "string" ? header : undefined;
  const auth = request.headers.authorization;
  if (!presented && typeof auth === "string" && auth.startsWith("Bearer ")) presented = auth.slice(7).trim();
  if (!presented || presented.length > 512) return null;
  return keys.verify(presented) ?? null;
}

/** The commit author and log identity of a request. */
export function authorOf(request: FastifyRequest): { name: string; email: string; keyId: string } {
  const id = request.identity!;
  return { name: id.name, email: id.email, keyId: id.keyId };
}
