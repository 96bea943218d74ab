/** Shared fixtures for the compiler tests: the repository's example intents and site registry. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { type CompileOptions, compileIntent } from "../../compiler/compileIntent.js";
import { InvalidInputError, type Problem } from "../../compiler/errors.js";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import type { SiteRegistry } from "../../compiler/types.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const INTENTS_DIR = join(ROOT, "intents");
export const GOLDEN_DIR = join(ROOT, "test", "golden", "compile");

export const REGISTRY_TEXT = readFileSync(join(INTENTS_DIR, "sites.yaml"), "utf8");
export const REGISTRY: SiteRegistry = parseSiteRegistry(REGISTRY_TEXT, "intents/sites.yaml");

export interface Example {
  /** File name without `.json`: also the golden's name. */
  stem: string;
  /** Path relative to the repository root. */
  file: string;
  text: string;
}

/** intents/*.json and intents/revisions/*.json, sorted by path. */
export const EXAMPLES: readonly Example[] = ["intents", "intents/revisions"].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({
      stem: name.slice(0, -".json".length),
      file: `${dir}/${name}`,
      text: readFileSync(join(ROOT, dir, name), "utf8"),
    })),
);

export function example(stem: string): Example {
  const found = EXAMPLES.find((e) => e.stem === stem);
  if (!found) throw new Error(`no example intent ${stem}`);
  return found;
}

/** The parsed JSON of an example, a fresh copy each time so tests can mutate it. */
export function exampleJson(stem: string): Record<string, unknown> {
  return JSON.parse(example(stem).text) as Record<string, unknown>;
}

/** Compiles `input` (a value is serialised first) against the repository's registry. */
export function compile(input: unknown, options: CompileOptions = {}) {
  return compileIntent(typeof input === "string" ? input : JSON.stringify(input), REGISTRY, options);
}

/** Compiles `input`, expecting an `InvalidInputError`, and returns its problems. */
export async function problemsOf(input: unknown, options: CompileOptions = {}): Promise<readonly Problem[]> {
  let thrown: unknown;
  try {
    await compile(input, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "compileIntent should have refused the input").toBeInstanceOf(InvalidInputError);
  return (thrown as InvalidInputError).problems;
}

/** A person-readable sentence: non-empty, one line, no stack frames. */
export function expectReadable(message: string): void {
  expect(message.trim().length).toBeGreaterThan(3);
  expect(message).not.toMatch(/\n\s+at |\bat .*\.(ts|js):\d+/);
}
