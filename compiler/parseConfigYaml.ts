/**
 * parseConfigYaml: the strict YAML reading shared by the configuration files next to the intents
 * (`sites.yaml`, `mappings.yaml`): duplicate keys and malformed YAML are `E_SYNTAX` with their line, and
 * aliases are refused — a configuration file has no need for them, and they enable "billion laughs" inputs.
 */
import { parseDocument } from "yaml";
import { InvalidInputError, type Problem } from "./errors.js";

/**
 * @param text the YAML text
 * @param file where it came from, for messages
 * @param what what the file is, for the alias message ("a site registry")
 * @throws InvalidInputError (`E_SYNTAX`) on malformed YAML, a duplicate key or an alias
 */
export function parseConfigYaml(text: string, file: string, what: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const syntax: Problem[] = document.errors.map((error) => ({
    code: "E_SYNTAX",
    pointer: "",
    message: `malformed YAML: ${error.message.split("\n")[0]}${error.linePos ? ` (line ${error.linePos[0].line})` : ""}`,
    file,
  }));
  if (syntax.length) throw new InvalidInputError(syntax);
  try {
    return document.toJS({ maxAliasCount: 0 });
  } catch (error) {
    throw new InvalidInputError([
      {
        code: "E_SYNTAX",
        pointer: "",
        message: `YAML aliases are not accepted in ${what} (${error instanceof Error ? error.message : String(error)})`,
        file,
      },
    ]);
  }
}
