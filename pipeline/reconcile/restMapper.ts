/**
 * REST mapping by discovery: `apiVersion` + `kind` → resource path and scope. One mapper per apply run
 * caches each group-version's resource list; `reset()` forgets it after CRDs are established, so their
 * kinds resolve.
 */
import type { KubeClient } from "./kubeClient.js";
import { KubeApiError } from "./reconcileErrors.js";

export interface RestMapping {
  /** `/api/v1` or `/apis/<group>/<version>`. */
  base: string;
  /** Plural resource name, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export class RestMapper {
  readonly #kube: KubeClient;
  #lists = new Map<string, Promise<ApiResource[] | null>>();

  constructor(kube: KubeClient) {
    this.#kube = kube;
  }

  /** The mapping of a kind, or `null` when the server does not serve it (yet). */
  async mapping(apiVersion: string, kind: string): Promise<RestMapping | null> {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list = this.#lists.get(base);
    if (!list) {
      list = this.#fetch(base);
      this.#lists.set(base, list);
      // A failed look-up is not cached: the next object asks again.
      list.catch(() => this.#lists.delete(base));
    }
    const found = (await list)?.find((r) => r.kind === kind && !r.name.includes("/"));
    return found ? { base, resource: found.name, namespaced: found.namespaced } : null;
  }

  /** Forget the cached discovery (after CRDs were established, or a kind was not found). */
  reset(): void {
    this.#lists = new Map();
  }

  async #fetch(base: string): Promise<ApiResource[] | null> {
    const res = await this.#kube.request({ method: "GET", path: base });
    if (res.status === 404) return null;
    if (res.status !== 200 || !res.body) {
      throw new KubeApiError(
        res.status,
        `discovery of ${base} failed: ${String(res.body?.["message"] ?? "")}`,
        {
          subject: base,
        },
      );
    }
    return ((res.body["resources"] as ApiResource[] | undefined) ?? []).map((r) => ({
      name: r.name,
      kind: r.kind,
      namespaced: r.namespaced,
    }));
  }
}

/** The collection path of a mapping (`namespace` ignored for cluster-scoped kinds). */
export function collectionPath(m: RestMapping, namespace: string): string {
  return m.namespaced
    ? `${m.base}/namespaces/${encodeURIComponent(namespace)}/${m.resource}`
    : `${m.base}/${m.resource}`;
}

export function objectPath(m: RestMapping, namespace: string, name: string): string {
  return `${collectionPath(m, namespace)}/${encodeURIComponent(name)}`;
}
