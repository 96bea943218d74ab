/**
 * GET `/intentSpecification` (list with `fields`, `offset`, `limit`, `X-Total-Count`/`X-Result-Count`) and
 * GET `/intentSpecification/{id}` of TMF921 v5, read-only: the one profile intents are accepted against.
 */
import type { FastifyInstance } from "fastify";
import type { RouteContext } from "../buildApp.js";
import { selectFields } from "../intentResource.js";
import { intentSpecifications } from "../intentSpecification.js";
import { TMF921_BASE } from "../openApiDocument.js";
import { ApiError } from "../problem.js";

const QUERY = {
  fields: { type: "string", maxLength: 1000 },
  offset: { type: "string", pattern: "^[0-9]{1,9}$" },
  limit: { type: "string", pattern: "^[0-9]{1,4}$" },
};

export function registerSpecificationRoutes(app: FastifyInstance, _ctx: RouteContext): void {
  app.get<{ Querystring: { fields?: string; offset?: string; limit?: string } }>(
    `${TMF921_BASE}/intentSpecification`,
    { schema: { querystring: { type: "object", properties: QUERY } } },
    async (request, reply) => {
      const all = intentSpecifications();
      const offset = request.query.offset ? Number(request.query.offset) : 0;
      const limit = request.query.limit ? Math.min(Number(request.query.limit), 1000) : 100;
      const items = all.slice(offset, offset + limit).map((s) => selectFields(s, request.query.fields));
      return reply
        .header("x-total-count", String(all.length))
        .header("x-result-count", String(items.length))
        .send(items);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { fields?: string } }>(
    `${TMF921_BASE}/intentSpecification/:id`,
    {
      schema: {
        params: { type: "object", properties: { id: { type: "string", minLength: 1, maxLength: 200 } } },
        querystring: { type: "object", properties: { fields: QUERY.fields } },
      },
    },
    async (request) => {
      const spec = intentSpecifications().find((s) => s.id === request.params.id);
      if (!spec) throw new ApiError(404, "E_NOT_FOUND", `no intent specification ${request.params.id}`);
      return selectFields(spec, request.query.fields);
    },
  );
}
