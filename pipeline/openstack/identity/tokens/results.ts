/** The token Keystone issued, with the project it is scoped to and the service catalog. */
import { OpenStackAuthError } from "../../client/openStackErrors.js";

export interface CatalogEndpoint {
  interface: string;
  region: string;
  url: string;
}

export interface CatalogEntry {
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}

export interface IssuedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  projectId: string;
  userId: string;
  roles: string[];
  catalog: CatalogEntry[];
}

/** Reads the `X-Subject-Token` header and the token body of a `201` from `POST /v3/auth/tokens`. */
export function extractToken(subjectToken: string | null, body: unknown): IssuedToken {
  const token = (body as { token?: Record<string, unknown> } | null)?.token;
  if (!subjectToken || !token) throw new OpenStackAuthError("keystone answered without a token");
  const project = token.project as { id?: string } | undefined;
  if (!project?.id) throw new OpenStackAuthError("keystone issued an unscoped token (no project)");
  const expires = Date.parse(String(token.expires_at));
  if (Number.isNaN(expires)) throw new OpenStackAuthError("keystone token without a readable expires_at");
  return {
    token: subjectToken,
    expiresAt: expires,
    projectId: project.id,
    userId: String((token.user as { id?: string } | undefined)?.id ?? ""),
    roles: ((token.roles as Array<{ name: string }> | undefined) ?? []).map((r) => r.name).sort(),
    catalog: ((token.catalog as CatalogEntry[] | undefined) ?? []).map((e) => ({
      type: e.type,
      name: e.name,
      endpoints: e.endpoints.map((x) => ({ interface: x.interface, region: x.region, url: x.url })),
    })),
  };
}

/** The endpoint URL of a service type in a region (public interface), with `%(project_id)s` filled in. */
export function endpointFor(issued: IssuedToken, type: string, region: string): string {
  const entry = issued.catalog.find((e) => e.type === type);
  const endpoint =
    entry?.endpoints.find((e) => e.interface === "public" && e.region === region) ??
    entry?.endpoints.find((e) => e.interface === "public");
  if (!endpoint) {
    throw new OpenStackAuthError(`the service catalog has no public ${type} endpoint in region ${region}`);
  }
  return endpoint.url
    .replace("%(project_id)s", issued.projectId)
    .replace("$(project_id)s", issued.projectId)
    .replace(/\/+$/, "");
}
