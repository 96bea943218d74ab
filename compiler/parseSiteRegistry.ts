/**
 * Parses and validates the site registry (`intents/sites.yaml`). Secrets appear only as references
 * (`{ env: NAME }` / `{ file: PATH }`); an inline secret is a schema error, so it can never reach Git.
 */

import { pointerOf } from "./canonicalJson.js";
import { InvalidInputError } from "./errors.js";
import { parseConfigYaml } from "./parseConfigYaml.js";
import { inspectParsed } from "./parseJsonSafely.js";
import type { SiteRegistry } from "./types.js";
import { validateWithSchema } from "./validateWithSchema.js";

/**
 * @param text the YAML (or JSON) text
 * @param file where it came from, for messages
 * @throws InvalidInputError with every problem found
 * @example parseSiteRegistry(readFileSync("intents/sites.yaml", "utf8"), "intents/sites.yaml").sites[0].id
 */
const SECRET_PARAMETERS =
  /^(access_?token|token|api_?key|apikey|key|secret|password|passwd|pwd|auth|authorization|signature|sig|x-amz-signature)$/i;

/** What in `url` is a credential (userinfo, a token-like query parameter), or undefined. */
function secretInUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // the schema says what is wrong with it
  }
  if (parsed.username || parsed.password) return "credentials (user:password@)";
  for (const name of parsed.searchParams.keys()) {
    if (SECRET_PARAMETERS.test(name)) return `a credential in its query (${name}=…)`;
  }
  return undefined;
}

export function parseSiteRegistry(text: string, file = "sites.yaml"): SiteRegistry {
  const value = parseConfigYaml(text, file, "a site registry");
  const problems = [...inspectParsed(value), ...validateWithSchema("siteRegistry", value)];
  if (problems.length === 0) {
    const seen = new Set<string>();
    (value as SiteRegistry).sites.forEach((site, i) => {
      if (seen.has(site.id)) {
        problems.push({
          code: "E_DUPLICATE_ID",
          pointer: pointerOf("sites", i, "id"),
          message: `site "${site.id}" is listed twice`,
        });
      }
      seen.add(site.id);
      for (const [path, url] of [
        [["prometheus", "url"], site.prometheus?.url],
        [["openstack", "authUrl"], site.openstack?.authUrl],
      ] as const) {
        const why = typeof url === "string" ? secretInUrl(url) : undefined;
        if (why) {
          problems.push({
            code: "E_INLINE_SECRET",
            pointer: pointerOf("sites", i, ...path),
            message: `the URL carries ${why}; give secrets only by reference ({ env: NAME } or { file: PATH })`,
          });
        }
      }
    });
  }
  if (problems.length) throw new InvalidInputError(problems.map((p) => ({ ...p, file })));
  return value as SiteRegistry;
}
