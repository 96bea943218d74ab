/**
 * Reads the vocabulary mappings that sit beside a site registry (`mappings.yaml` next to `sites.yaml`),
 * when there are any. See compiler/parseVocabularyMappings.ts for the format and intents/README.md,
 * "Vocabulary mappings", for its use.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import {
  DEFAULT_LIMITS,
  InvalidInputError,
  NO_MAPPINGS,
  parseVocabularyMappings,
  type VocabularyMappings,
} from "../../compiler/index.js";

export const MAPPINGS_FILE = "mappings.yaml";

export interface ReadMappings {
  mappings: VocabularyMappings;
  /** Path relative to cwd, when the file exists. */
  file?: string;
  /** Its text ("" when there is none), so callers can digest it with the registry. */
  text: string;
}

/**
 * @throws InvalidInputError for an oversized or invalid mappings file
 * @example readVocabularyMappings("/repo/intents/sites.yaml", "/repo").mappings.mapper
 */
export function readVocabularyMappings(
  registryPath: string,
  cwd: string,
  maxBytes = DEFAULT_LIMITS.maxBytes,
): ReadMappings {
  const path = join(dirname(registryPath), MAPPINGS_FILE);
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return { mappings: NO_MAPPINGS, text: "" };
  const file = relative(cwd, path);
  if (info.size > maxBytes) {
    throw new InvalidInputError([
      {
        code: "E_TOO_LARGE",
        pointer: "",
        message: `the file is ${info.size} bytes; the limit is ${maxBytes} bytes`,
        file,
      },
    ]);
  }
  const text = readFileSync(path, "utf8");
  return { mappings: parseVocabularyMappings(text, file), file, text };
}
