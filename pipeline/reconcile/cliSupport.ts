/**
 * What the `apply`, `diff` and `agent` verbs share: the site (from the registry, or from `--context`
 * alone), durations like `10s`, reading a work directory's packages, and a change-set printer.
 */

import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { IntentopsError } from "../../compiler/errors.js";
import { parseSiteRegistry } from "../../compiler/parseSiteRegistry.js";
import type { Site } from "../../compiler/types.js";
import { renderedDigestOf } from "../../functions/render/renderedDigestOf.js";
import { readPackageDir } from "../kpt/readPackageDir.js";
import { objectsOfPackage } from "./readPackage.js";
import type { IntentOutcome, SitePackage } from "./reconcileSite.js";

export interface SiteFlags {
  site: string;
  sites?: string;
  context?: string;
  kubeconfig?: string;
}

/** Registers `--site`, `--sites`, `--context`, `--kubeconfig`. */
export function withSiteOptions(command: Command): Command {
  return command
    .requiredOption("--site <id>", "site to reconcile")
    .option("--sites <file>", "site registry (default: intents/sites.yaml under the work directory)")
    .option("--context <name>", "kubeconfig context (default: the site's; enough without a registry)")
    .option("--kubeconfig <path>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)");
}

/** The site to reconcile: the registry entry, with `--context`/`--kubeconfig` overriding its connection. */
export async function resolveSite(flags: SiteFlags, registryPath: string): Promise<Site> {
  let site: Site | undefined;
  if (flags.sites || existsSync(registryPath)) {
    const file = flags.sites ?? registryPath;
    site = parseSiteRegistry(await readFile(file, "utf8"), file).sites.find((s) => s.id === flags.site);
    if (!site && !flags.context) {
      throw new IntentopsError("E_USAGE_SITE", `site ${flags.site} is not in ${file}`, {
        subject: flags.site,
      });
    }
  }
  if (site && site.kind !== "kubernetes") {
    throw new IntentopsError("E_USAGE_SITE", `site ${flags.site} is a ${site.kind} site, not kubernetes`, {
      subject: flags.site,
    });
  }
  const context = flags.context ?? site?.kubernetes?.context;
  if (!context) {
    throw new IntentopsError("E_USAGE_SITE", `no site registry and no --context for site ${flags.site}`, {
      subject: flags.site,
    });
  }
  return {
    ...(site ?? { id: flags.site, kind: "kubernetes" as const }),
    kubernetes: {
      ...(site?.kubernetes ?? {}),
      context,
      ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    },
  };
}

/** `500ms`, `10s`, `5m`, `1h`, or plain milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new IntentopsError("E_USAGE_DURATION", `"${text}" is not a duration like 10s, 500ms or 5m`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "ms") as "ms"];
  return Math.round(Number(m[1]) * factor);
}

/** The packages of `rendered/<site>/` in a work directory (one intent, or all of them). */
export async function packagesInWork(work: string, site: string, intentId?: string): Promise<SitePackage[]> {
  const root = join(work, "rendered", site);
  const ids = intentId
    ? [intentId]
    : (await readdir(root, { withFileTypes: true }).catch(() => []))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
  const out: SitePackage[] = [];
  for (const id of ids) {
    const files = await readPackageDir(join(root, id)).catch((cause: unknown) => {
      throw new IntentopsError("E_NOT_RENDERED", `no package rendered/${site}/${id}/ in ${work}`, {
        subject: `${site}/${id}`,
        cause,
      });
    });
    out.push({ intentId: id, objects: objectsOfPackage(files), renderedDigest: renderedDigestOf(files) });
  }
  return out;
}

/** People's output of one intent's outcome. */
export function formatIntentOutcome(o: IntentOutcome): string {
  let out = "";
  for (const e of o.changeSet) {
    out += `${o.subject} ${e.ref} ${e.action}${e.error ? `: ${e.error.message} [${e.error.code}]` : ""}\n`;
  }
  if (o.health) {
    out += `${o.subject} health ${o.health.result} after ${o.health.elapsedMs} ms\n`;
    for (const h of o.health.objects.filter((x) => x.status !== "Current")) {
      out += `${o.subject} ${h.ref} ${h.status}: ${h.message}\n`;
    }
  }
  out += `${o.subject}: ${o.result}${o.error ? ` — ${o.error.message} [${o.error.code}]` : ""}\n`;
  return out;
}
