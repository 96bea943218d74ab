/**
 * Parses and validates the site registry (`intents/sites.yaml`). Secrets appear only as references
 * (`{ env: NAME }` / `{ file: PATH }`); an inline secret is a schema error, so it can never reach Git.
 */
import { parseDocument } from "yaml";
import { pointerOf } from "./canonicalJson.js";
import { InvalidInputError, type Problem } from "./errors.js";
import { inspectParsed } from "./parseJsonSafely.js";
import type { SiteRegistry } from "./types.js";
import { validateWithSchema } from "./validateWithSchema.js";

/**
 * @param text the YAML (or JSON) text
 * @param file where it came from, for messages
 * @throws InvalidInputError with every problem found
 * @example parseSiteRegistry(readFileSync("intents/sites.yaml", "utf8"), "intents/sites.yaml").sites[0].id
 */
export function parseSiteRegistry(text: string, file = "sites.yaml"): SiteRegistry {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const syntax: Problem[] = document.errors.map((error) => ({
    code: "E_SYNTAX",
    pointer: "",
    message: `malformed YAML: ${error.message.split("\n")[0]}${error.linePos ? ` (line ${error.linePos[0].line})` : ""}`,
    file,
  }));
  if (syntax.length) throw new InvalidInputError(syntax);
  let value: unknown;
  try {
    // Aliases are refused: a registry has no need for them, and they enable "billion laughs" inputs.
    value = document.toJS({ maxAliasCount: 0 });
  } catch (error) {
    throw new InvalidInputError([
      {
        code: "E_SYNTAX",
        pointer: "",
        message: `YAML aliases are not accepted in a site registry (${error instanceof Error ? error.message : String(error)})`,
        file,
      },
    ]);
  }
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
    });
  }
  if (problems.length) throw new InvalidInputError(problems.map((p) => ({ ...p, file })));
  return value as SiteRegistry;
}
