/**
 * openReviewMode: the review mode of `intentops serve` wired to GitHub — octokit with the token read from the
 * environment variable the configuration names (by reference only: never in a file, log or error), the
 * review gate on the delivery repository, and hub events for decisions (a closed pull request withdraws the
 * intent; a merged one becomes an intake change whose runs announce themselves).
 */
import { Octokit } from "octokit";
import { IntentopsError } from "../../compiler/errors.js";
import type { GitDeps, RepoOptions } from "../git/gitDeps.js";
import type { Intake } from "../intake/createIntake.js";
import type { HubNotifier } from "./hubNotifier.js";
import { createReviewGate } from "./reviewGate.js";
import { proposedIntent, type ReviewMode, type ReviewPolicy } from "./routes/reviewRoutes.js";

export interface ReviewModeOptions {
  /** `owner/name` of the GitHub repository whose Git URL is the delivery remote. */
  github: string;
  /** GitHub REST API base URL. Default `https://api.github.com`. */
  apiUrl?: string;
  /** Name of the environment variable holding the GitHub token. */
  tokenEnv: string;
  policy: ReviewPolicy;
  /** How often open pull requests are read. Default 15 000 ms. */
  pollMs?: number;
}

export async function openReviewMode(
  options: ReviewModeOptions & {
    env: Readonly<Record<string, string | undefined>>;
    delivery: RepoOptions & { remote: string };
    git: GitDeps;
    intake: Intake;
    hub: HubNotifier;
    stateFile: string;
    clock: () => Date;
    log: (event: Record<string, unknown>) => void;
  },
): Promise<ReviewMode> {
  const [owner, repo, ...extra] = options.github.split("/");
  if (!owner || !repo || extra.length) {
    throw new IntentopsError("E_USAGE_SERVE", `--github must be owner/name, not ${options.github}`);
  }
  const token = options.env[options.tokenEnv];
  if (!token) {
    throw new IntentopsError(
      "E_USAGE_SERVE",
      `environment variable ${options.tokenEnv} (the GitHub token for review mode) is not set`,
    );
  }
  const octokit = new Octokit({ auth: token, ...(options.apiUrl ? { baseUrl: options.apiUrl } : {}) });
  const gate = await createReviewGate({
    octokit,
    owner,
    repo,
    delivery: options.delivery,
    git: options.git,
    intake: options.intake,
    stateFile: options.stateFile,
    clock: options.clock,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    log: options.log,
    onDecided: (proposal) => {
      if (proposal.state === "closed") {
        options.hub.publish("IntentStatusChangeEvent", { intent: proposedIntent(proposal) });
      }
    },
  });
  return { gate, policy: options.policy };
}
