/** TMF921 `/hub`: register (201 Hub), retrieve and remove (204) an event listener. */
import type { FastifyInstance } from "fastify";
import type { RouteContext } from "../buildApp.js";
import { TMF921_BASE } from "../openApiDocument.js";
import { ApiError } from "../problem.js";

export function registerHubRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const base = TMF921_BASE;
  const idParams = { type: "object", properties: { id: { type: "string", minLength: 1, maxLength: 200 } } };

  app.post<{ Body: { callback: string; query?: string } }>(
    `${base}/hub`,
    { schema: { body: { $ref: `${ctx.tmf}#/components/schemas/Hub_FVO` } } },
    async (request, reply) => {
      const { callback, query } = request.body;
      let url: URL | undefined;
      try {
        url = new URL(callback);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) {
        throw new ApiError(400, "E_CALLBACK", "callback must be an http(s) URL without credentials", {
          errors: [{ pointer: "/callback", detail: "not an http(s) URL without credentials" }],
        });
      }
      if (query !== undefined && query.length > 1000) {
        throw new ApiError(400, "E_QUERY", "query is longer than 1000 characters", {
          errors: [{ pointer: "/query", detail: "too long" }],
        });
      }
      const hub = await ctx.hub.subscribe({ callback: url.href, ...(query !== undefined ? { query } : {}) });
      request.log.info({ hub: hub.id }, "listener registered");
      return reply
        .code(201)
        .header("location", `${base}/hub/${hub.id}`)
        .send({ ...hub, href: `${base}/hub/${hub.id}` });
    },
  );

  app.get<{ Params: { id: string } }>(
    `${base}/hub/:id`,
    { schema: { params: idParams } },
    async (request) => {
      const hub = ctx.hub.get(request.params.id);
      if (!hub) throw new ApiError(404, "E_NOT_FOUND", `no listener ${request.params.id}`);
      return { ...hub, href: `${base}/hub/${hub.id}` };
    },
  );

  app.delete<{ Params: { id: string } }>(
    `${base}/hub/:id`,
    { schema: { params: idParams } },
    async (request, reply) => {
      if (!(await ctx.hub.unsubscribe(request.params.id))) {
        throw new ApiError(404, "E_NOT_FOUND", `no listener ${request.params.id}`);
      }
      return reply.code(204).send();
    },
  );
}
