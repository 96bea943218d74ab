/**
 * `intentops verify <intent-id> --site <site>`: checks the intent's SLO targets in the site's Prometheus
 * over a window, prints the decision per target, and stores the TS 28.312 intent report under
 * `.intentops/reports/<intent-id>/<site>.json` (read back by `intentops report`).
 * Exit 0 pass, 1 breach or inconclusive (no data is never a pass), 2 usage, 3 operational failure.
 */

import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { IntentopsError } from "../../../compiler/errors.js";
import type { CompiledIntent } from "../../../compiler/types.js";
import { buildIntentReport } from "../../../functions/slo/buildIntentReport.js";
import { buildQueries } from "../../../functions/slo/buildQueries.js";
import { deriveSloPolicy, type SloPolicyOverrides } from "../../../functions/slo/deriveSloPolicy.js";
import { parseDuration } from "../../../functions/slo/parseDuration.js";
import { readSloIdentity } from "../../../functions/slo/readSloIdentity.js";
import { SloError } from "../../../functions/slo/SloError.js";
import { shortWindowOverrides } from "../../../functions/slo/shortWindowOverrides.js";
import { siteLabelOf } from "../../../functions/slo/siteLabelOf.js";
import type { OnInconclusive, SloDecision, TargetResult } from "../../../functions/slo/types.js";
import { writeFilesAtomically } from "../../fs/writeFilesAtomically.js";
import { compileFiles } from "../../intents/loadIntents.js";
import { type VerifyDeps, verifySlo } from "../../verify/verifySlo.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";

/** Where reports are kept in the work directory (until evidence carries them). */
export const REPORTS_DIR = ".intentops/reports";

interface VerifyCliOptions {
  site: string;
  prometheus?: string;
  window?: string;
  interval?: string;
  for?: string;
  rateWindow?: string;
  onInconclusive?: string;
  intents: string;
  sites?: string;
  json?: boolean;
}

const realDeps: VerifyDeps = {
  fetch: (input, init) => fetch(input, init),
  clock: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function register(program: Command, io: CliIo, deps: VerifyDeps = realDeps): void {
  program
    .command("verify")
    .description("verify an intent's SLO targets on a site against Prometheus and store its TS 28.312 report")
    .argument("<intent-id>", "intent id (as compiled from intents/)")
    .requiredOption("--site <site>", "site to verify")
    .option("--prometheus <url>", "Prometheus base URL (default: the site's prometheus.url in the registry)")
    .option("--window <duration>", "verification window, e.g. 60s, 2m (default 120s)")
    .option("--interval <duration>", "time between evaluations (default 10s; with --window: window/6, 1–10s)")
    .option(
      "--for <duration>",
      "how long a breach must persist (default per metric; with --window: window/4 at most)",
    )
    .option("--rate-window <duration>", "range of rate() in the queries (default 60s)")
    .option("--on-inconclusive <action>", "hold | fail | rollback (default rollback)")
    .option("--intents <path>", "intent file or directory", "intents")
    .option("--sites <file>", "site registry (default: sites.yaml beside the intents)")
    .option("--json", "print the decision, the intent report and the evidence as JSON")
    .addHelpText("after", "\nExample:\n  intentops verify edge-analytics --site edge1 --window 60s\n")
    .action(
      withJsonErrors(io, async (intentId: string, options: VerifyCliOptions) => {
        const loaded = await compileFiles(options.intents, {
          cwd: io.cwd,
          ...(options.sites ? { sites: options.sites } : {}),
        });
        const found = loaded.intents.find((i) => i.compiled.spec.intentId === intentId);
        if (!found) {
          const known = loaded.intents.map((i) => i.compiled.spec.intentId).join(", ");
          throw new IntentopsError(
            "E_USAGE_UNKNOWN_INTENT",
            `no intent ${intentId} in ${options.intents} (${known})`,
          );
        }
        const compiled: CompiledIntent = found.compiled;
        const site = options.site;
        const prometheusUrl =
          options.prometheus ?? loaded.registry.sites.find((s) => s.id === site)?.prometheus?.url;
        if (!prometheusUrl) {
          throw new IntentopsError(
            "E_USAGE_NO_PROMETHEUS",
            `site ${site} has no prometheus.url in ${loaded.registryFile}; give --prometheus <url>`,
            { subject: `${site}/${intentId}` },
          );
        }
        const { policy, queries } = usage(() => {
          const p = deriveSloPolicy(compiled, site, overridesOf(options));
          const siteLabel = siteLabelOf(loaded.registry.sites, site);
          return { policy: p, queries: buildQueries(p, readSloIdentity(compiled, site), { siteLabel }) };
        });

        const { decision, evidence } = await verifySlo({
          policy,
          queries,
          prometheusUrl,
          deps,
          ...(options.json ? {} : { onEvaluation: (d: SloDecision) => io.stderr(progressLine(d)) }),
        });
        const report = buildIntentReport(compiled, decision, deps.clock());
        await writeFilesAtomically(
          `${io.cwd}/${REPORTS_DIR}/${intentId}`,
          new Map([[`${site}.json`, stringifyCanonical(report)]]),
        );
        io.exitCode = decision.overall.decision === "pass" ? 0 : 1;
        if (options.json) {
          io.stdout(stringifyCanonical({ decision, report, evidence }));
          return;
        }
        io.stdout(formatDecision(decision, prometheusUrl));
      }),
    );
}

function overridesOf(options: VerifyCliOptions): SloPolicyOverrides {
  const overrides: SloPolicyOverrides = {};
  if (options.window !== undefined) {
    Object.assign(overrides, shortWindowOverrides(parseDuration(options.window)));
  }
  if (options.interval !== undefined) overrides.intervalSeconds = parseDuration(options.interval);
  if (options.for !== undefined) overrides.forSeconds = parseDuration(options.for);
  if (options.rateWindow !== undefined) overrides.rateWindowSeconds = parseDuration(options.rateWindow);
  if (options.onInconclusive !== undefined) {
    if (!["hold", "fail", "rollback"].includes(options.onInconclusive)) {
      throw new IntentopsError("E_USAGE_INVALID_OPTION", "--on-inconclusive must be hold, fail or rollback");
    }
    overrides.onInconclusive = options.onInconclusive as OnInconclusive;
  }
  return overrides;
}

/** Options that make an invalid policy, or a site the intent does not target, are usage errors (exit 2). */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (
      error instanceof SloError &&
      ["E_SLO_INVALID_POLICY", "E_SLO_INVALID_DURATION", "E_SLO_SITE_NOT_TARGETED"].includes(error.code)
    ) {
      throw new IntentopsError("E_USAGE_INVALID_OPTION", error.message, {
        cause: error,
        subject: error.subject ?? "",
      });
    }
    throw error;
  }
}

function progressLine(d: SloDecision): string {
  const values = d.targets.map(
    (t) => `${t.name}=${t.value === null ? "?" : `${round(t.value)}${t.unit === "%" ? "%" : t.unit}`}`,
  );
  return `  t+${round(d.elapsedSeconds)}s ${values.join(" ")}\n`;
}

function formatDecision(d: SloDecision, prometheusUrl: string): string {
  const o = d.overall;
  const head = o.decision === "pass" ? "PASS" : `${o.decision.toUpperCase()} → ${o.action}`;
  const lines = [
    `${d.site}/${d.intentId}: ${head}  (${round(d.elapsedSeconds)}s of a ${d.windowSeconds}s window, ${prometheusUrl})`,
  ];
  const width = Math.max(0, ...d.targets.map((t) => t.id.length));
  for (const t of d.targets)
    lines.push(`  ${t.status.padEnd(12)} ${t.id.padEnd(width)}  ${describeValue(t)}  ${t.reason}`);
  for (const u of d.unmonitored)
    lines.push(`  ${"unmonitored".padEnd(12)} ${`${u.expectationId}/${u.name}`.padEnd(width)}  ${u.reason}`);
  if (o.decision !== "pass") for (const r of o.reasons) lines.push(`  reason: ${r}`);
  return `${lines.join("\n")}\n`;
}

function describeValue(t: TargetResult): string {
  const unit = t.unit === "%" ? " %" : ` ${t.unit}`;
  const want = Array.isArray(t.threshold) ? `[${t.threshold.join(", ")}]` : `${t.comparison} ${t.threshold}`;
  return `${t.value === null ? "no value" : `${round(t.value)}${unit}`} (${want}${unit}, ${t.samples} samples)`;
}

function round(value: number): number {
  return Number(value.toFixed(2));
}
