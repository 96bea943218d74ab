/** What a CLI command may touch of its process: injected so tests run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Working directory against which relative paths are resolved. */
  cwd: string;
  /** Environment (read for secrets by reference only). */
  env: Readonly<Record<string, string | undefined>>;
  /** Set by a command that finished without throwing but must exit non-zero. */
  exitCode?: number;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** An in-memory `CliIo` for tests: collects output. */
export function memoryIo(cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo & { out: () => string; err: () => string } = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    cwd,
    env,
    out: () => out.join(""),
    err: () => err.join(""),
  };
  return io;
}
