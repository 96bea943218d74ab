/**
 * A real Git smart-HTTP remote for tests (Debian's `git http-backend`, see
 * pipeline/sandbox/startGitRemote.ts), and the real `git` CLI to read what it holds.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** Environment for every git CLI call in tests: no user or system config leaks in. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Other Writer",
    GIT_AUTHOR_EMAIL: "other@example.test",
    GIT_COMMITTER_NAME: "Other Writer",
    GIT_COMMITTER_EMAIL: "other@example.test",
    LANG: "C",
  };
}

/** Runs the real `git` CLI and returns stdout; rejects with stderr on a non-zero exit. */
export async function gitCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = gitEnv(cwd),
): Promise<string> {
  const { stdout } = await execFileP("git", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export {
  type GitRemote as GitHttpServer,
  type GitRemoteOptions as GitHttpServerOptions,
  startGitRemote as startGitHttpServer,
} from "../../pipeline/sandbox/startGitRemote.js";
