/**
 * The inventory of one (site, intent): which objects the last apply owned, so the next one can prune
 * what left the package. Stored in the cluster it describes, as a ConfigMap
 * `intentops-system/intentops-inventory-<intent-id>` holding canonical JSON. A ConfigMap rather than a kpt
 * ResourceGroup: it needs no CRD installed before the first apply, any kubectl can read it, and the
 * reconciler's own apply code writes it (server-side apply, field manager `intentops`).
 */
import { stringifyCanonical } from "../../compiler/canonicalJson.js";
import type { Digest } from "../../compiler/digest.js";
import { FIELD_MANAGER, withRetry } from "./applyObject.js";
import type { KubeClient } from "./kubeClient.js";
import { compareRefs, type ObjectRef, refKey } from "./objectRef.js";
import { KubeApiError } from "./reconcileErrors.js";

export const INVENTORY_NAMESPACE = "intentops-system";

export interface InventoryEntry extends ObjectRef {
  /** The version the object was applied with (needed to find its REST path when pruning). */
  version: string;
  digest: Digest | null;
}

export interface Inventory {
  site: string;
  intentId: string;
  /** The delivery commit the objects were synced from (`null` for an apply from a work directory). */
  commit: string | null;
  objects: InventoryEntry[];
}

export function inventoryName(intentId: string): string {
  return `intentops-inventory-${intentId}`;
}

const LABEL = "intentops.io/inventory";

/** The stored inventory, or `null` when this intent was never applied to the cluster. */
export async function readInventory(kube: KubeClient, intentId: string): Promise<Inventory | null> {
  const res = await kube.request({
    method: "GET",
    path: `/api/v1/namespaces/${INVENTORY_NAMESPACE}/configmaps/${inventoryName(intentId)}`,
  });
  if (res.status === 404) return null;
  if (res.status !== 200) {
    throw new KubeApiError(
      res.status,
      `reading the inventory failed: ${String(res.body?.["message"] ?? "")}`,
      {
        subject: `ConfigMap/${INVENTORY_NAMESPACE}/${inventoryName(intentId)}`,
      },
    );
  }
  const data = (res.body?.["data"] ?? {}) as Record<string, string>;
  return JSON.parse(data["inventory.json"] ?? "null") as Inventory | null;
}

/** Intent ids with an inventory in the cluster (for pruning intents whose package disappeared). */
export async function listInventories(kube: KubeClient): Promise<string[]> {
  const res = await kube.request({
    method: "GET",
    path: `/api/v1/namespaces/${INVENTORY_NAMESPACE}/configmaps?labelSelector=${encodeURIComponent(`${LABEL}=true`)}`,
  });
  if (res.status === 404) return [];
  if (res.status !== 200) {
    throw new KubeApiError(res.status, `listing inventories failed: ${String(res.body?.["message"] ?? "")}`, {
      subject: `Namespace/${INVENTORY_NAMESPACE}`,
    });
  }
  return ((res.body?.["items"] ?? []) as { metadata: { annotations?: Record<string, string> } }[])
    .map((i) => i.metadata.annotations?.["intentops.io/intent-id"] ?? "")
    .filter((id) => id !== "")
    .sort();
}

/** Writes the inventory (creating the namespace first when needed). */
export async function writeInventory(kube: KubeClient, inventory: Inventory): Promise<void> {
  const objects = [...inventory.objects].sort(compareRefs);
  const seen = new Set<string>();
  const unique = objects.filter((o) => !seen.has(refKey(o)) && seen.add(refKey(o)));
  const apply = async (path: string, body: unknown) => {
    const res = await withRetry(() =>
      kube.request({
        method: "PATCH",
        path: `${path}?fieldManager=${FIELD_MANAGER}&force=true`,
        body,
        contentType: "application/apply-patch+yaml",
      }),
    );
    if (res.status !== 200 && res.status !== 201) {
      throw new KubeApiError(
        res.status,
        `writing the inventory failed: ${String(res.body?.["message"] ?? "")}`,
        {
          subject: `ConfigMap/${INVENTORY_NAMESPACE}/${inventoryName(inventory.intentId)}`,
        },
      );
    }
  };
  await apply(`/api/v1/namespaces/${INVENTORY_NAMESPACE}`, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: INVENTORY_NAMESPACE },
  });
  await apply(`/api/v1/namespaces/${INVENTORY_NAMESPACE}/configmaps/${inventoryName(inventory.intentId)}`, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: inventoryName(inventory.intentId),
      namespace: INVENTORY_NAMESPACE,
      labels: { [LABEL]: "true" },
      annotations: { "intentops.io/intent-id": inventory.intentId, "intentops.io/site": inventory.site },
    },
    data: { "inventory.json": stringifyCanonical({ ...inventory, objects: unique }) },
  });
}

/** Deletes the inventory of an intent that is gone from the site. */
export async function deleteInventory(kube: KubeClient, intentId: string): Promise<void> {
  const res = await kube.request({
    method: "DELETE",
    path: `/api/v1/namespaces/${INVENTORY_NAMESPACE}/configmaps/${inventoryName(intentId)}`,
  });
  if (res.status !== 200 && res.status !== 202 && res.status !== 404) {
    throw new KubeApiError(
      res.status,
      `deleting the inventory failed: ${String(res.body?.["message"] ?? "")}`,
      {
        subject: `ConfigMap/${INVENTORY_NAMESPACE}/${inventoryName(intentId)}`,
      },
    );
  }
}
