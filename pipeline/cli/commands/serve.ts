/**
 * `intentops serve`: the TMF921 v5 Intent Management API, `POST /api/intent`, hub events, health, metrics
 * and statistics in one long-running process that also runs the pipeline (see pipeline/api/startServe.ts).
 * Runs until SIGINT or SIGTERM; a restart resumes every accepted intent.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { IntentopsError } from "../../../compiler/errors.js";
import { DEFAULT_LIMITS } from "../../api/buildApp.js";
import { startServe } from "../../api/startServe.js";
import { secretsFromEnv } from "../../evidence/redactSecrets.js";
import { absolute, cliDeps, type GitCliOptions, withGitOptions } from "../../git/cliSupport.js";
import type { CliIo } from "../io.js";

interface ServeFlags extends GitCliOptions {
  sites: string;
  state: string;
  apiKeys: string;
  host: string;
  port: string;
  rateLimit: string;
  bodyLimit: string;
  maxActiveRuns: string;
  kubeconfig?: string;
  alertWebhookEnv?: string;
  review?: string;
  github?: string;
  githubTokenEnv: string;
  githubApiUrl?: string;
  busUrl?: string;
  busUser?: string;
  busPasswordFile?: string;
  busPrefix: string;
  busAckWait: string;
  llmBaseUrl?: string;
  llmModel?: string;
  llmKeyEnv?: string;
  operator?: boolean;
  managementKubeconfig?: string;
  managementContext?: string;
  namespace: string;
  recoverEvery: string;
}

/** `--operator`: the management cluster's flags, named as `intentops controller` names them. */
async function operatorOf(flags: ServeFlags, cwd: string) {
  if (!flags.operator) {
    if (flags.managementKubeconfig) {
      throw new IntentopsError("E_USAGE_SERVE", "--management-kubeconfig is for --operator mode");
    }
    return {};
  }
  if (!flags.managementKubeconfig) {
    throw new IntentopsError("E_USAGE_SERVE", "--operator needs --management-kubeconfig <file>");
  }
  if (flags.review)
    throw new IntentopsError("E_USAGE_SERVE", "--operator and --review do not go together yet");
  const kubeconfig = absolute(cwd, flags.managementKubeconfig);
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return {
    operator: {
      kubeconfig,
      context: flags.managementContext ?? kc.getCurrentContext(),
      namespace: flags.namespace,
      recoverEveryMs: integer("recover-every", flags.recoverEvery, 0, 86_400) * 1000,
    },
  };
}

/** The LLM backend from its flags: URL and model, the key only by the name of its environment variable. */
function llmOf(flags: ServeFlags, env: Readonly<Record<string, string | undefined>>) {
  if (!flags.llmBaseUrl) return {};
  if (!/^https?:\/\//.test(flags.llmBaseUrl) || !flags.llmModel) {
    throw new IntentopsError(
      "E_USAGE_SERVE",
      "--llm-base-url needs an http(s) URL and --llm-model a model name",
    );
  }
  const apiKey = flags.llmKeyEnv ? env[flags.llmKeyEnv] : undefined;
  if (flags.llmKeyEnv && !apiKey) {
    throw new IntentopsError(
      "E_USAGE_SERVE",
      `--llm-key-env ${flags.llmKeyEnv}: that environment variable is not set`,
    );
  }
  return { llm: { baseUrl: flags.llmBaseUrl, model: flags.llmModel, ...(apiKey ? { apiKey } : {}) } };
}

const integer = (name: string, value: string, min: number, max: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new IntentopsError(
      "E_USAGE_SERVE",
      `--${name} must be an integer from ${min} to ${max}, not ${value}`,
    );
  }
  return n;
};

async function busOptions(flags: ServeFlags, cwd: string) {
  if (!/^nats:\/\/[^\s/]+$/.test(flags.busUrl!)) {
    throw new IntentopsError("E_USAGE_SERVE", `--bus-url must be nats://host:port, not ${flags.busUrl}`);
  }
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(flags.busPrefix)) {
    throw new IntentopsError("E_USAGE_SERVE", "--bus-prefix must be 1–32 letters, digits, _ or -");
  }
  const password = flags.busPasswordFile
    ? (
        await readFile(absolute(cwd, flags.busPasswordFile), "utf8").catch((error: NodeJS.ErrnoException) => {
          throw new IntentopsError(
            "E_USAGE_SERVE",
            `cannot read --bus-password-file ${flags.busPasswordFile}: ${error.code ?? error.message}`,
          );
        })
      ).trim()
    : undefined;
  return {
    url: flags.busUrl!,
    prefix: flags.busPrefix,
    ackWaitMs: integer("bus-ack-wait", flags.busAckWait, 1000, 3_600_000),
    ...(flags.busUser ? { user: flags.busUser } : {}),
    ...(password ? { password } : {}),
  };
}

export function register(program: Command, io: CliIo): void {
  withGitOptions(
    program
      .command("serve")
      .description(
        "serve the TMF921 v5 Intent Management API and POST /api/intent, running every accepted intent through the pipeline",
      ),
  )
    .option("--sites <file>", "site registry", "intents/sites.yaml")
    .option("--state <dir>", "state directory (run journal, intake log, hub listeners)", ".intentops")
    .requiredOption("--api-keys <file>", "API keys file: ids, scopes and SHA-256 hashes (or env var names)")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free port)", "8080")
    .option("--rate-limit <n>", "requests per API key per minute", String(DEFAULT_LIMITS.rateMax))
    .option("--body-limit <bytes>", "largest request body", String(DEFAULT_LIMITS.bodyBytes))
    .option(
      "--max-active-runs <n>",
      "runs compiling, rendering, delivering or reconciling at once (the rest wait their turn)",
      "4",
    )
    .option("--kubeconfig <file>", "kubeconfig for sites that name none (default $KUBECONFIG)")
    .option("--alert-webhook-env <name>", "environment variable holding the URL alert events are POSTed to")
    .option(
      "--review <policy>",
      "open a pull request per created intent: on-request (Prefer: review) or always",
    )
    .option("--github <owner/name>", "review mode: the GitHub repository whose Git URL is --remote")
    .option(
      "--github-token-env <name>",
      "review mode: environment variable holding the GitHub token",
      "GITHUB_TOKEN",
    )
    .option(
      "--github-api-url <url>",
      "review mode: GitHub REST API base URL (default https://api.github.com)",
    )
    .option("--bus-url <url>", "also take intents from this NATS JetStream server (nats://host:port)")
    .option("--bus-user <name>", "user for the message bus")
    .option("--bus-password-file <file>", "file holding the message bus user's password")
    .option("--bus-prefix <name>", "subject and stream prefix on the bus", "intentops")
    .option(
      "--bus-ack-wait <ms>",
      "how long the bus waits for an acknowledgement before redelivering",
      "30000",
    )
    .option("--llm-base-url <url>", "OpenAI-compatible endpoint for POST /api/intent/draft with backend llm")
    .option("--llm-model <name>", "model name sent to the LLM endpoint")
    .option("--llm-key-env <name>", "environment variable holding the LLM endpoint's API key")
    .option(
      "--operator",
      "operator mode: run no pipeline; commit each accepted intent to Git, then create (PATCH: replace, DELETE: delete) its IntentDeployment for `intentops controller`, and read runs from their status",
    )
    .option("--management-kubeconfig <file>", "operator mode: kubeconfig of the management cluster")
    .option(
      "--management-context <name>",
      "operator mode: its context (default: the kubeconfig's current one)",
    )
    .option("--namespace <ns>", "operator mode: namespace of the IntentDeployments", "intentops")
    .option(
      "--recover-every <seconds>",
      "operator mode: how often Git is checked for accepted intents without their IntentDeployment (0: only at start)",
      "60",
    )
    .action(async (flags: ServeFlags) => {
      if (!flags.remote) {
        throw new IntentopsError(
          "E_USAGE_SERVE",
          "serve needs --remote: the remote's compare-and-swap push is what keeps concurrent writers from losing commits",
        );
      }
      if (flags.review && (!["on-request", "always"].includes(flags.review) || !flags.github)) {
        throw new IntentopsError(
          "E_USAGE_SERVE",
          "--review takes on-request or always, and needs --github owner/name",
        );
      }
      const serving = await startServe({
        cwd: io.cwd,
        sites: flags.sites,
        stateDir: flags.state,
        repo: { dir: absolute(io.cwd, flags.repo), branch: flags.branch, remote: flags.remote },
        git: await cliDeps(flags, io.env, io.cwd),
        pipelineThread: true,
        keys: absolute(io.cwd, flags.apiKeys),
        env: io.env,
        host: flags.host,
        port: integer("port", flags.port, 0, 65535),
        limits: {
          rateMax: integer("rate-limit", flags.rateLimit, 1, 1_000_000),
          bodyBytes: integer("body-limit", flags.bodyLimit, 1024, 64 * 1024 * 1024),
        },
        maxActiveRuns: integer("max-active-runs", flags.maxActiveRuns, 1, 1000),
        secrets: secretsFromEnv(io.env),
        ...(flags.busUrl ? { bus: await busOptions(flags, io.cwd) } : {}),
        ...((flags.kubeconfig ?? io.env.KUBECONFIG)
          ? { kubeconfig: absolute(io.cwd, (flags.kubeconfig ?? io.env.KUBECONFIG)!) }
          : {}),
        ...(flags.alertWebhookEnv && io.env[flags.alertWebhookEnv]
          ? { alertWebhookUrl: io.env[flags.alertWebhookEnv]! }
          : {}),
        ...(flags.review && flags.github
          ? {
              review: {
                github: flags.github,
                tokenEnv: flags.githubTokenEnv,
                policy: flags.review as "on-request" | "always",
                ...(flags.githubApiUrl ? { apiUrl: flags.githubApiUrl } : {}),
              },
            }
          : {}),
        ...llmOf(flags, io.env),
        ...(await operatorOf(flags, io.cwd)),
      });
      io.stderr(`intentops serve listening on ${serving.url}\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await serving.close();
    });
}
