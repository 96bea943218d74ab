/**
 * `intentops requests [request-id]`: the request records of a serve state directory — every intake request
 * (HTTP, bus) with who, when, what, its run and outcome; with an id, its ordered log. Reads
 * `<state>/requests.jsonl` (the same records `GET /api/requests` serves). Exit 1 when the id is unknown.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { absolute } from "../../git/cliSupport.js";
import { foldRequests, readRequestEvents } from "../../requests/openRequestLog.js";
import type { CliIo } from "../io.js";

export function register(program: Command, io: CliIo): void {
  program
    .command("requests")
    .description("the request records of intake (HTTP, bus): who, when, what, the run, and the ordered log")
    .argument("[request-id]", "one request's record and log")
    .option("--state <dir>", "serve's state directory", ".intentops")
    .option("--intent <id>", "only the requests of this intent")
    .option("--json", "JSON output")
    .action(
      async (requestId: string | undefined, flags: { state: string; intent?: string; json?: boolean }) => {
        const records = foldRequests(
          await readRequestEvents(join(absolute(io.cwd, flags.state), "requests.jsonl")),
        );
        if (requestId) {
          const record = records.get(requestId);
          if (!record) {
            io.stderr(`error: no request ${requestId} in ${flags.state}/requests.jsonl [E_NOT_FOUND]\n`);
            io.exitCode = 1;
            return;
          }
          if (flags.json) return io.stdout(stringifyCanonical(record));
          io.stdout(
            `${record.requestId}  ${record.channel}  ${record.who ?? "-"}  ${record.kind ?? "-"} ${record.intentId ?? "-"}  ${record.outcome}${record.runId ? `  run ${record.runId}` : ""}\n`,
          );
          for (const e of record.log) {
            const detail = [
              e.phase,
              e.runId && e.event === "run-submitted" ? e.runId : undefined,
              e.commit,
              e.code,
              e.reason,
            ]
              .filter(Boolean)
              .join(" ");
            io.stdout(`  ${e.at}  ${e.event}${detail ? `  ${detail}` : ""}\n`);
          }
          return;
        }
        const list = [...records.values()]
          .filter((r) => !flags.intent || r.intentId === flags.intent)
          .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
        if (flags.json) return io.stdout(stringifyCanonical(list));
        for (const r of list) {
          io.stdout(
            `${r.receivedAt}  ${r.requestId}  ${r.channel}  ${r.who ?? "-"}  ${r.kind ?? "-"} ${r.intentId ?? "-"}  ${r.outcome}${r.runId ? `  ${r.runId}` : ""}\n`,
          );
        }
      },
    );
}
