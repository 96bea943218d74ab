/**
 * `readStackStatus`: the status of every resource of an intent at a site, read from the live APIs — the
 * site's health is the resources' status. Each manifest object maps to `Current` (ACTIVE / available /
 * in-use / present), `InProgress` (BUILD, RESIZE, creating, attaching…), `Failed` (ERROR, error*) or
 * `NotFound`, with the status the service gave as the message.
 */
import type { HealthStatus } from "../../reconcile/computeStatus.js";
import type { DesiredStack } from "./readDesiredStack.js";
import type { LiveStack } from "./readLiveStack.js";

export interface ResourceStatus {
  ref: string;
  status: HealthStatus;
  message: string;
  id?: string;
  /** Fixed IPv4 addresses (servers). */
  addresses?: string[];
}

const SERVER: Record<string, HealthStatus> = {
  ACTIVE: "Current",
  BUILD: "InProgress",
  RESIZE: "InProgress",
  VERIFY_RESIZE: "InProgress",
  REBOOT: "InProgress",
  HARD_REBOOT: "InProgress",
  MIGRATING: "InProgress",
  ERROR: "Failed",
  DELETED: "Terminating",
  SOFT_DELETED: "Terminating",
};

function volumeStatus(status: string, attached: boolean): HealthStatus {
  if (status.startsWith("error")) return "Failed";
  if (status === "deleting") return "Terminating";
  if (attached ? status === "in-use" : status === "available" || status === "in-use") return "Current";
  return "InProgress";
}

/** @example const statuses = readStackStatus(desired, await readLiveStack(client, scope)); */
export function readStackStatus(desired: DesiredStack, live: LiveStack): ResourceStatus[] {
  const find = <T extends { name: string }>(list: readonly T[], name: string) =>
    list.find((x) => x.name === name);
  const out: ResourceStatus[] = [];
  const missing = (ref: string): ResourceStatus => ({ ref, status: "NotFound", message: "not found" });
  for (const n of desired.networks) {
    const l = find(live.networks, n.name);
    out.push(
      l
        ? {
            ref: `Network/${n.name}`,
            status:
              l.resource.status === "ACTIVE"
                ? "Current"
                : l.resource.status === "ERROR"
                  ? "Failed"
                  : "InProgress",
            message: l.resource.status,
            id: l.resource.id,
          }
        : missing(`Network/${n.name}`),
    );
  }
  for (const s of desired.subnets) {
    const l = find(live.subnets, s.name);
    out.push(
      l
        ? { ref: `Subnet/${s.name}`, status: "Current", message: l.resource.cidr, id: l.resource.id }
        : missing(`Subnet/${s.name}`),
    );
  }
  for (const r of desired.routers) {
    const l = find(live.routers, r.name);
    if (!l) {
      out.push(missing(`Router/${r.name}`));
      continue;
    }
    const subnetIds = new Set(desired.subnets.map((s) => find(live.subnets, s.name)?.resource.id));
    const linked = l.interfaces.filter((i) => subnetIds.has(i.subnetId)).length;
    const ok = l.resource.status === "ACTIVE" && linked >= r.interfaces.length;
    out.push({
      ref: `Router/${r.name}`,
      status: l.resource.status === "ERROR" ? "Failed" : ok ? "Current" : "InProgress",
      message: `${l.resource.status}, ${linked}/${r.interfaces.length} interfaces`,
      id: l.resource.id,
    });
  }
  for (const g of desired.securityGroups) {
    const l = find(live.securityGroups, g.name);
    out.push(
      l
        ? {
            ref: `SecurityGroup/${g.name}`,
            status: "Current",
            message: `${l.resource.security_group_rules.length} rules`,
            id: l.resource.id,
          }
        : missing(`SecurityGroup/${g.name}`),
    );
  }
  for (const s of desired.servers) {
    const l = find(live.servers, s.name);
    if (!l) {
      out.push(missing(`Server/${s.name}`));
      continue;
    }
    const addresses = Object.values(l.resource.addresses ?? {})
      .flat()
      .filter((a) => a.version === 4)
      .map((a) => a.addr)
      .sort();
    const flavorOk = l.resource.flavor?.original_name === s.flavor;
    const status = SERVER[l.resource.status] ?? "InProgress";
    out.push({
      ref: `Server/${s.name}`,
      status: status === "Current" && !flavorOk ? "InProgress" : status,
      message: `${l.resource.status} ${l.resource.flavor?.original_name ?? "?"}${l.resource.fault ? `: ${l.resource.fault.message}` : ""}`,
      id: l.resource.id,
      addresses,
    });
  }
  for (const v of desired.volumes) {
    const l = find(live.volumes, v.name);
    out.push(
      l
        ? {
            ref: `Volume/${v.name}`,
            status: volumeStatus(l.resource.status, v.server !== undefined),
            message: `${l.resource.status} ${l.resource.size} GiB`,
            id: l.resource.id,
          }
        : missing(`Volume/${v.name}`),
    );
  }
  return out;
}
