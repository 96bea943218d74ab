/**
 * `intentops deliver <intent-id>`: commits `intents/<intent-id>.*` and `rendered/<site>/<intent-id>/`
 * from a work directory (already compiled and rendered) to the delivery branch, pushes, records evidence.
 */

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { stringifyCanonical } from "../../../compiler/canonicalJson.js";
import { type Digest, digestBytes, digestJson } from "../../../compiler/digest.js";
import { InvalidInputError } from "../../../compiler/errors.js";
import { parseJsonSafely } from "../../../compiler/parseJsonSafely.js";
import { renderedDigestOf } from "../../../functions/render/renderedDigestOf.js";
import { recordEvidence } from "../../evidence/recordEvidence.js";
import { secretsFromEnv } from "../../evidence/redactSecrets.js";
import { absolute, cliDeps, type GitCliOptions, isRefusal, withGitOptions } from "../../git/cliSupport.js";
import { deliverIntent } from "../../git/deliverIntent.js";
import type { CliIo } from "../io.js";

export function register(program: Command, io: CliIo): void {
  withGitOptions(
    program
      .command("deliver")
      .description("commit an intent and its rendered packages to the delivery branch and push")
      .argument("<intent-id>", "intent to deliver")
      .option("--work <dir>", "work directory holding intents/ and rendered/", "."),
  ).action(async (intentId: string, o: GitCliOptions & { work: string }) => {
    const started = performance.now();
    const work = absolute(io.cwd, o.work);
    const input = await readWork(work, intentId);
    const deps = await cliDeps(o, io.env, io.cwd);
    const dir = absolute(io.cwd, o.repo);
    try {
      const outcome = await deliverIntent(
        { dir, remote: o.remote, branch: o.branch, intentId, ...input },
        deps,
      );
      const evidence = await recordEvidence(
        {
          dir,
          remote: o.remote,
          secrets: secretsFromEnv(io.env),
          input: {
            intentId,
            action: "deliver",
            trigger: { kind: "cli" },
            intentDigest: input.digests.intentDigest,
            renderedDigests: input.digests.renderedDigests,
            commit: outcome.head,
            inputs: [{ name: input.intentFile.path, digest: input.digests.intentDigest }],
            outputs: outcome.commit
              ? [{ name: `commit:${outcome.commit}`, digest: digestBytes(outcome.commit) }]
              : [],
            result: outcome.status === "committed" ? "success" : "noop",
            durations: { totalMs: Math.round(performance.now() - started) },
            details: { changes: outcome.changes, pushed: outcome.pushed, attempts: outcome.attempts },
          },
        },
        deps,
      );
      if (o.json)
        io.stdout(
          stringifyCanonical({
            delivery: outcome,
            evidence: { path: evidence.path, digest: evidence.record.chain.digest },
          }),
        );
      else if (outcome.commit) {
        const c = outcome.changes;
        io.stdout(
          `${intentId}: committed ${outcome.commit.slice(0, 12)} (${c.added.length} added, ${c.modified.length} modified, ` +
            `${c.removed.length} removed)${outcome.pushed ? ", pushed" : ""}\n`,
        );
      } else io.stdout(`${intentId}: unchanged, nothing to commit (head ${outcome.head?.slice(0, 12)})\n`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      io.stderr(`error: ${error.subject ? `${error.subject}: ` : ""}${error.message} [${error.code}]\n`);
      io.exitCode = 1;
    }
  });
}

/** Reads the intent file and every site's rendered package for `intentId`, with their digests. */
async function readWork(work: string, intentId: string) {
  const intents = await readdir(join(work, "intents")).catch(() => [] as string[]);
  const name = intents.find((f) => f.replace(/\.(json|ya?ml)$/, "") === intentId && f !== intentId);
  if (!name) {
    throw new InvalidInputError([
      {
        code: "E_NO_INTENT",
        pointer: "",
        message: `no intents/${intentId}.json|yaml in ${work}`,
        file: "intents/",
      },
    ]);
  }
  const intentContent = await readFile(join(work, "intents", name));
  const rendered = new Map<string, Uint8Array>();
  const renderedDigests: Record<string, Digest> = {};
  for (const site of (await readdir(join(work, "rendered")).catch(() => [] as string[])).sort()) {
    const root = join(work, "rendered", site, intentId);
    const files = await listFiles(root).catch(() => null);
    if (!files) continue;
    const contents: Record<string, Uint8Array> = {};
    for (const rel of files) {
      const content = await readFile(join(root, rel));
      rendered.set(`rendered/${site}/${intentId}/${rel}`, content);
      contents[rel] = content;
    }
    renderedDigests[site] = renderedDigestOf(contents);
  }
  if (Object.keys(renderedDigests).length === 0) {
    throw new InvalidInputError([
      {
        code: "E_NOT_RENDERED",
        pointer: "",
        message: `no rendered/<site>/${intentId}/ in ${work}`,
        file: "rendered/",
      },
    ]);
  }
  return {
    intentFile: { path: `intents/${name}`, content: intentContent },
    rendered,
    // The compiler's intent digest (canonical JSON of the intent), so commits, evidence and runs agree.
    digests: { intentDigest: intentDigestOf(intentContent, name), renderedDigests },
  };
}

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

function intentDigestOf(content: Uint8Array, name: string): Digest {
  const parsed = name.endsWith(".json") ? parseJsonSafely(new TextDecoder().decode(content)) : undefined;
  return parsed?.ok ? digestJson(parsed.value) : digestBytes(content);
}
