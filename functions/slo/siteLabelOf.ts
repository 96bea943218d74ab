/**
 * Whether a site's series carry a `site` label: a Prometheus that serves one site has no need of one (a
 * cluster's own Prometheus, the usual case), one shared by several sites must tell them apart with a target
 * label (as the sandbox's does). The site registry says which: `prometheus.siteLabel` when set (a label
 * name, or `null` for none), otherwise `site` exactly when another site of the registry names the same
 * Prometheus URL — never none for a shared one, or a query could sum another site's series with this one's.
 */
import type { Site } from "../../compiler/types.js";

/**
 * @example siteLabelOf([{ id: "a", prometheus: { url: "http://p" } }, { id: "b", prometheus: { url: "http://p" } }], "a")
 *   // → "site"
 */
export function siteLabelOf(sites: readonly Pick<Site, "id" | "prometheus">[], site: string): string | null {
  const own = sites.find((s) => s.id === site)?.prometheus;
  if (own?.siteLabel !== undefined) return own.siteLabel;
  if (own === undefined) return "site";
  return sites.some((s) => s.id !== site && s.prometheus?.url === own.url) ? "site" : null;
}
