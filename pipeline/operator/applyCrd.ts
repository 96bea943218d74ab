/**
 * applyCrd: installs (or updates) the `IntentDeployment` CRD shipped in deploy/intentdeployments.crd.yaml
 * with server-side apply (field manager `intentops`) and waits until the API server serves it.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { IntentopsError } from "../../compiler/errors.js";
import type { KubeClient } from "../reconcile/kubeClient.js";

const CRD_FILE = join("deploy", "intentdeployments.crd.yaml");

/** The CRD file of this installation (found above this module, from source and from `dist/`). */
export function crdPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, CRD_FILE))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${CRD_FILE} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return join(dir, CRD_FILE);
}

/** The CRD as shipped. */
export async function readCrd(): Promise<Record<string, unknown> & { metadata: { name: string } }> {
  return parse(await readFile(crdPath(), "utf8"));
}

/**
 * @param sleep between looks at the CRD's Established condition (it takes the API server well under a second)
 * @example await applyCrd(kube, { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) })
 */
export async function applyCrd(
  kube: KubeClient,
  { sleep, timeoutMs = 60_000 }: { sleep: (ms: number) => Promise<void>; timeoutMs?: number },
): Promise<void> {
  const crd = await readCrd();
  const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
  const res = await kube.request({
    method: "PATCH",
    path: `${path}?fieldManager=intentops&force=true`,
    body: crd,
    contentType: "application/apply-patch+yaml",
  });
  if (res.status !== 200 && res.status !== 201) {
    throw new IntentopsError(
      "E_REMOTE",
      `applying the CRD answered ${res.status}: ${JSON.stringify(res.body)}`,
      {
        subject: `CustomResourceDefinition/${crd.metadata.name}`,
      },
    );
  }
  for (let waited = 0; waited <= timeoutMs; waited += 200) {
    const got = await kube.request({ method: "GET", path });
    const conditions = ((got.body?.["status"] as { conditions?: Array<{ type: string; status: string }> })
      ?.conditions ?? []) as Array<{ type: string; status: string }>;
    if (conditions.some((c) => c.type === "Established" && c.status === "True")) return;
    await sleep(200);
  }
  throw new IntentopsError("E_TIMEOUT", `the CRD was not Established within ${timeoutMs} ms`, {
    subject: `CustomResourceDefinition/${crd.metadata.name}`,
  });
}
