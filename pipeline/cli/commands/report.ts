/**
 * `intentops report <intent-id> [--site <site>]`: the TS 28.312 intent report(s) of the intent's last
 * verification, as stored by `intentops verify` under `.intentops/reports/<intent-id>/<site>.json`.
 * Exit 0 when every shown report says FULFILLED, 1 otherwise or when there is none.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { IntentopsError, InvalidInputError } from "../../../compiler/errors.js";
import type { FulfilmentInfo, IntentReport } from "../../../functions/slo/types.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";
import { REPORTS_DIR } from "./verify.js";

const SAFE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function register(program: Command, io: CliIo): void {
  program
    .command("report")
    .description("print the TS 28.312 intent report of an intent's last verification")
    .argument("<intent-id>", "intent id")
    .option("--site <site>", "only this site's report")
    .option("--json", "print { reports: [IntentReport, ...] } as JSON")
    .addHelpText("after", "\nExample:\n  intentops report edge-analytics --json\n")
    .action(
      withJsonErrors(io, async (intentId: string, options: { site?: string; json?: boolean }) => {
        // Both become path segments: refuse anything that could leave the reports directory.
        for (const [what, value] of [
          ["intent id", intentId],
          ["site", options.site],
        ] as const) {
          if (value !== undefined && !SAFE.test(value)) {
            throw new IntentopsError(
              "E_USAGE_INVALID_OPTION",
              `${what} ${JSON.stringify(value)} is not a DNS label`,
            );
          }
        }
        const dir = join(io.cwd, REPORTS_DIR, intentId);
        const files = options.site
          ? [`${options.site}.json`]
          : ((await readdir(dir).catch(() => [])) as string[]).filter((f) => f.endsWith(".json")).sort();
        const reports: IntentReport[] = [];
        for (const file of files) {
          const text = await readFile(join(dir, file), "utf8").catch(() => undefined);
          if (text !== undefined) reports.push(JSON.parse(text) as IntentReport);
        }
        if (reports.length === 0) {
          throw new InvalidInputError([
            {
              code: "E_REPORT_NOT_FOUND",
              pointer: "",
              message: `no intent report for ${options.site ? `${options.site}/` : ""}${intentId}; run intentops verify first`,
              file: `${REPORTS_DIR}/${intentId}/`,
            },
          ]);
        }
        const fulfilled = reports.every(
          (r) => r.intentFulfilmentReport.intentFulfilmentInfo.fulfilmentStatus === "FULFILLED",
        );
        io.exitCode = fulfilled ? 0 : 1;
        if (options.json) {
          io.stdout(stringifyCanonical({ reports }));
          return;
        }
        for (const r of reports) io.stdout(formatReport(r));
      }),
    );
}

function formatReport(report: IntentReport): string {
  const lines = [
    `${report.id}: ${state(report.intentFulfilmentReport.intentFulfilmentInfo)}  (${report.lastUpdatedTime})`,
  ];
  for (const e of report.intentFulfilmentReport.expectationFulfilmentResult) {
    lines.push(`  ${e.expectaitonId}: ${state(e.expectationFulfilmentInfo)}`);
    for (const t of e.targetFulfilmentResult) {
      const value = t.targetAchievedValue === undefined ? "" : `  achieved ${t.targetAchievedValue}`;
      lines.push(`    ${t.targetName}: ${state(t.targetFulfilmentInfo)}${value}`);
      for (const reason of t.targetFulfilmentInfo.notFulfilledReasons ?? []) lines.push(`      ${reason}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function state(info: FulfilmentInfo): string {
  return info.notFullfilledState
    ? `${info.fulfilmentStatus} (${info.notFullfilledState})`
    : info.fulfilmentStatus;
}
