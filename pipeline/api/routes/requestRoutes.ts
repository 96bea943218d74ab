/**
 * The request records over HTTP: `GET /api/requests` (newest first; `intentId` filters, `limit` caps) and
 * `GET /api/requests/{id}` — who, when, through which channel, what, the run it started, and the ordered
 * log of what happened (see pipeline/requests/openRequestLog.ts). Read scope.
 */
import type { FastifyInstance } from "fastify";
import type { RequestLog } from "../../requests/openRequestLog.js";
import { ApiError } from "../problem.js";

export function registerRequestRoutes(app: FastifyInstance, requests: RequestLog): void {
  app.get<{ Querystring: { intentId?: string; limit?: string } }>(
    "/api/requests",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            intentId: { type: "string", maxLength: 63 },
            limit: { type: "string", pattern: "^[0-9]{1,4}$" },
          },
        },
      },
    },
    async (request, reply) => {
      const all = requests.list(request.query.intentId ? { intentId: request.query.intentId } : {});
      const limit = request.query.limit ? Math.min(Number(request.query.limit), 1000) : 100;
      return reply.header("x-total-count", String(all.length)).send(all.slice(0, limit));
    },
  );
  app.get<{ Params: { id: string } }>(
    "/api/requests/:id",
    { schema: { params: { type: "object", properties: { id: { type: "string", maxLength: 64 } } } } },
    async (request) => {
      const record = requests.get(request.params.id);
      if (!record) throw new ApiError(404, "E_NOT_FOUND", `no request ${request.params.id}`);
      return record;
    },
  );
}
