/** Operations: liveness, readiness (Git remote, journal, site registry), Prometheus metrics, the OpenAPI. */
import type { FastifyInstance } from "fastify";
import type { RouteContext } from "../buildApp.js";
import { servedOpenApi } from "../openApiDocument.js";

export function registerOperationsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get("/health", async () => ({ status: "ok", checks: { process: { ok: true } } }));

  app.get("/health/ready", async (_request, reply) => {
    const checks = await ctx.ready();
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", checks });
  });

  app.get("/metrics", async (_request, reply) =>
    reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );

  const document = servedOpenApi();
  app.get("/openapi.json", async () => document);
}
