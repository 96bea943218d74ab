/**
 * `dig` against a DNS server on loopback: the response status (NOERROR, NXDOMAIN…) and the answer
 * section's values, sorted. The DNS tests read every answer this way, as a resolver would.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface DigAnswer {
  status: string;
  answers: string[];
}

export async function digAnswers(port: number, name: string, type = "A"): Promise<DigAnswer> {
  const { stdout } = await run("dig", ["@127.0.0.1", "-p", String(port), "+tries=1", "+time=2", name, type]);
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? "NO-ANSWER";
  const answer = stdout.split(";; ANSWER SECTION:\n")[1]?.split("\n\n")[0] ?? "";
  const answers = answer
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(/\s+/).slice(4).join(" "))
    .sort();
  return { status, answers };
}
