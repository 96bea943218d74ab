/**
 * What the console's routes need beyond the API's own deps: the site registry (read on every draft, so
 * an edited registry is seen), the delivery repository (evidence, rollback), the functions that render
 * previews, and the optional OpenAI-compatible backend for drafts.
 */
import type { SiteRegistry } from "../../compiler/types.js";
import type { FunctionRegistry } from "../../functions/runtime/resolveFunction.js";
import type { GitDeps, RepoOptions } from "../git/gitDeps.js";
import type { LlmConfig, LlmDeps } from "../nl/draftWithLlm.js";

export interface ConsoleDeps {
  registry: () => Promise<SiteRegistry>;
  repo: RepoOptions;
  git: GitDeps;
  functions: FunctionRegistry;
  /** The OpenAI-compatible backend; without it only the embedded parser drafts. */
  llm?: { config: LlmConfig; deps: LlmDeps };
  /** Directories the console's files are served from, first match wins (dist/console, its public/). */
  staticDirs: string[];
  /** Directory of the preact package (served as /console/vendor/). */
  preactDir: string;
  /** Secrets to keep out of evidence written by a rollback. */
  secrets?: readonly string[];
}
