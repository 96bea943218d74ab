/**
 * `intentops diff --site <site> [<intent-id>]`: what an apply would change, per object (action and a
 * unified diff of the live object against the server-side dry-run result), plus the objects a prune
 * would delete. Like `kubectl diff`: exit 0 no differences, 1 differences (or refusals), 3 cluster errors.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { parseSiteRegistry } from "../../../compiler/parseSiteRegistry.js";
import { absolute } from "../../git/cliSupport.js";
import { packagesInWork, resolveSite, type SiteFlags, withSiteOptions } from "../../reconcile/cliSupport.js";
import { diffPackage, type ObjectDiff } from "../../reconcile/diffPackage.js";
import { createKubeClient } from "../../reconcile/kubeClient.js";
import type { CliIo } from "../io.js";
import { withJsonErrors } from "../jsonErrors.js";
import { openStackDiff } from "./openstack.js";

interface DiffFlags extends SiteFlags {
  work: string;
  json?: boolean;
}

export function register(program: Command, io: CliIo): void {
  withSiteOptions(
    program
      .command("diff")
      .description(
        "show what applying the rendered packages to a site would change (kubernetes or openstack)",
      )
      .argument("[intent-id]", "one intent (default: every package under rendered/<site>/)"),
  )
    .option("--work <dir>", "work directory holding rendered/ (and intents/sites.yaml)", ".")
    .option("--json", "print the diffs as JSON")
    .action(
      withJsonErrors(io, async (intentId: string | undefined, flags: DiffFlags) => {
        const work = absolute(io.cwd, flags.work);
        const registryFile = flags.sites ? absolute(io.cwd, flags.sites) : `${work}/intents/sites.yaml`;
        if (existsSync(registryFile)) {
          const entry = parseSiteRegistry(await readFile(registryFile, "utf8"), registryFile).sites.find(
            (s) => s.id === flags.site,
          );
          if (entry?.kind === "openstack") return openStackDiff(io, entry, work, intentId, flags.json);
        }
        const site = await resolveSite(
          { ...flags, ...(flags.sites ? { sites: absolute(io.cwd, flags.sites) } : {}) },
          `${work}/intents/sites.yaml`,
        );
        const packages = await packagesInWork(work, site.id, intentId);
        const kubeconfig = site.kubernetes?.kubeconfig ?? io.env["KUBECONFIG"];
        const kube = await createKubeClient({
          context: site.kubernetes!.context,
          ...(kubeconfig ? { kubeconfig } : {}),
        });
        const result: Record<string, ObjectDiff[]> = {};
        try {
          for (const pkg of packages) {
            result[`${site.id}/${pkg.intentId}`] = await diffPackage(
              {
                site: site.id,
                intentId: pkg.intentId,
                objects: pkg.objects,
                force: site.kubernetes?.forceConflicts ?? false,
              },
              { kube },
            );
          }
        } finally {
          kube.close();
        }
        const all = Object.values(result).flat();
        if (flags.json) io.stdout(stringifyCanonical(result));
        else {
          for (const [subject, diffs] of Object.entries(result)) {
            for (const d of diffs) {
              io.stdout(
                `${subject} ${d.ref} ${d.action}${d.error ? `: ${d.error.message} [${d.error.code}]` : ""}\n`,
              );
              if (d.diff) io.stdout(d.diff);
            }
          }
        }
        if (all.some((d) => d.action !== "unchanged")) io.exitCode = 1;
      }),
    );
}
