/**
 * `planStackChanges`: what must happen for the site to hold the desired stack, as an ordered list of steps —
 * pure, from the desired stack and what the site holds. Creates and updates come first, in dependency order
 * (network → subnets → router → interfaces → security groups → rules → ports → servers → resizes → volumes →
 * attachments); deletes come last, in the reverse order, so a failed create never follows an irreversible
 * delete. Servers leave LIFO: the highest ordinal of a tier first. An empty plan means "no change".
 */
import { IntentopsError } from "../../../compiler/errors.js";
import { type RuleSpec, ruleKey } from "../networking/securitygroups/results.js";
import type { DesiredStack } from "./readDesiredStack.js";
import type { LiveStack } from "./readLiveStack.js";
import { META } from "./resourceTags.js";

export type StepKind =
  | "Network"
  | "Subnet"
  | "Router"
  | "RouterInterface"
  | "SecurityGroup"
  | "SecurityGroupRule"
  | "Port"
  | "Server"
  | "Volume"
  | "VolumeAttachment";

export interface PlannedStep {
  /** Unique and stable within a plan: `<op> <Kind>/<name>`. */
  id: string;
  op: "create" | "update" | "delete";
  kind: StepKind;
  /** Name of the manifest object (for sub-resources: `<parent>:<child>`). */
  name: string;
  /** What the step needs beyond the name (ids of what it deletes, the rule, the flavors). */
  detail: Record<string, string | number | null | RuleSpec>;
}

export interface StackPlan {
  steps: PlannedStep[];
  /** `Kind/name` of desired objects that need nothing. */
  unchanged: string[];
}

export interface PlanOptions {
  /** Fewest servers a tier keeps while the intent exists (scale-in stops there). Default 1. */
  minServersPerTier?: number;
}

/** A scale-in below a tier's minimum; nothing is changed. */
export class BelowMinimumError extends IntentopsError {
  constructor(tier: string, desired: number, minimum: number) {
    super(
      "E_OPENSTACK_BELOW_MINIMUM",
      `tier ${tier}: ${desired} server(s) asked, the minimum is ${minimum}; delete the intent to remove the tier`,
      { subject: `Server/${tier}` },
    );
    this.name = "BelowMinimumError";
  }
}

/** Reverse dependency order: what uses a resource leaves before it. */
const DELETE_ORDER: readonly StepKind[] = [
  "SecurityGroupRule",
  "VolumeAttachment",
  "Volume",
  "Server",
  "Port",
  "RouterInterface",
  "Router",
  "SecurityGroup",
  "Subnet",
  "Network",
];

const DEFAULT_EGRESS = (r: RuleSpec) =>
  r.direction === "egress" && r.protocol === null && r.port_range_min === null && r.remote_ip_prefix === null;

/** @example const plan = planStackChanges(readDesiredStack(objects), await readLiveStack(client, scope)); */
export function planStackChanges(
  desired: DesiredStack,
  live: LiveStack,
  options: PlanOptions = {},
): StackPlan {
  const creates: PlannedStep[] = [];
  const deletes: PlannedStep[] = [];
  const unchanged: string[] = [];
  const step = (
    op: PlannedStep["op"],
    kind: StepKind,
    name: string,
    detail: PlannedStep["detail"] = {},
  ): PlannedStep => ({ id: `${op} ${kind}/${name}`, op, kind, name, detail });
  const byName = <T extends { name: string }>(list: readonly T[]) => new Map(list.map((x) => [x.name, x]));

  const liveNets = byName(live.networks);
  const liveSubnets = byName(live.subnets);
  const liveRouters = byName(live.routers);
  const liveGroups = byName(live.securityGroups);
  const livePorts = byName(live.ports);
  const liveServers = byName(live.servers);
  const liveVolumes = byName(live.volumes);
  const exists = desired.networks.length + desired.servers.length + desired.subnets.length > 0;

  // Scale-in guard, before anything is planned.
  if (exists) {
    const minimum = options.minServersPerTier ?? 1;
    const tiers = new Map<string, number>();
    for (const s of desired.servers) tiers.set(s.tier, (tiers.get(s.tier) ?? 0) + 1);
    for (const s of live.servers) {
      const tier = s.resource.metadata?.[META.tier];
      if (tier && (tiers.get(tier) ?? 0) < minimum)
        throw new BelowMinimumError(tier, tiers.get(tier) ?? 0, minimum);
    }
  }

  for (const n of desired.networks) {
    if (liveNets.has(n.name)) unchanged.push(`Network/${n.name}`);
    else creates.push(step("create", "Network", n.name));
  }
  for (const s of desired.subnets) {
    const l = liveSubnets.get(s.name);
    if (!l) creates.push(step("create", "Subnet", s.name));
    else if (l.resource.cidr !== s.cidr) {
      throw new IntentopsError(
        "E_OPENSTACK_SUBNET_IMMUTABLE",
        `subnet ${s.name}: cidr is ${l.resource.cidr} and cannot become ${s.cidr} in place`,
        { subject: `Subnet/${s.name}` },
      );
    } else unchanged.push(`Subnet/${s.name}`);
  }
  for (const r of desired.routers) {
    const l = liveRouters.get(r.name);
    if (!l) creates.push(step("create", "Router", r.name));
    else unchanged.push(`Router/${r.name}`);
    const subnetIdToName = new Map(live.subnets.map((s) => [s.resource.id, s.name]));
    const have = new Set((l?.interfaces ?? []).map((i) => subnetIdToName.get(i.subnetId)));
    for (const subnet of r.interfaces) {
      if (!have.has(subnet))
        creates.push(step("create", "RouterInterface", `${r.name}:${subnet}`, { router: r.name, subnet }));
    }
    for (const i of l?.interfaces ?? []) {
      const subnet = subnetIdToName.get(i.subnetId);
      if (subnet && !r.interfaces.includes(subnet)) {
        deletes.push(
          step("delete", "RouterInterface", `${r.name}:${subnet}`, {
            routerId: l!.resource.id,
            subnetId: i.subnetId,
          }),
        );
      }
    }
  }
  for (const g of desired.securityGroups) {
    const l = liveGroups.get(g.name);
    if (!l) creates.push(step("create", "SecurityGroup", g.name));
    else unchanged.push(`SecurityGroup/${g.name}`);
    const liveRules = l?.resource.security_group_rules ?? [];
    const liveKeys = new Set(liveRules.map((r) => ruleKey(r)));
    const wantKeys = new Set(g.rules.map(ruleKey));
    for (const rule of g.rules) {
      if (!liveKeys.has(ruleKey(rule))) {
        creates.push(
          step("create", "SecurityGroupRule", `${g.name}:${ruleKey(rule)}`, { group: g.name, rule }),
        );
      }
    }
    for (const rule of liveRules) {
      if (!wantKeys.has(ruleKey(rule)) && !DEFAULT_EGRESS(rule)) {
        deletes.push(step("delete", "SecurityGroupRule", `${g.name}:${ruleKey(rule)}`, { id: rule.id }));
      }
    }
  }
  for (const s of desired.servers) {
    if (!livePorts.has(s.name)) creates.push(step("create", "Port", s.name));
  }
  for (const s of desired.servers) {
    const l = liveServers.get(s.name);
    if (!l) creates.push(step("create", "Server", s.name));
    else if (l.resource.flavor?.original_name !== s.flavor) {
      creates.push(
        step("update", "Server", s.name, { from: l.resource.flavor?.original_name ?? null, to: s.flavor }),
      );
    } else unchanged.push(`Server/${s.name}`);
  }
  for (const v of desired.volumes) {
    const l = liveVolumes.get(v.name);
    if (!l) creates.push(step("create", "Volume", v.name));
    else unchanged.push(`Volume/${v.name}`);
    if (v.server) {
      const serverId = liveServers.get(v.server)?.resource.id;
      const attached = l?.resource.attachments.some((a) => a.server_id === serverId && serverId);
      if (!attached)
        creates.push(
          step("create", "VolumeAttachment", `${v.name}:${v.server}`, { volume: v.name, server: v.server }),
        );
    }
  }

  // Deletes, reverse dependency order.
  const want = <T extends { name: string }>(list: readonly T[]) => new Set(list.map((x) => x.name));
  const wantVolumes = want(desired.volumes);
  for (const v of live.volumes) {
    if (!wantVolumes.has(v.name)) deletes.push(step("delete", "Volume", v.name, { id: v.resource.id }));
  }
  const wantServers = want(desired.servers);
  const tierOf = (s: (typeof live.servers)[number]) => s.resource.metadata?.[META.tier] ?? "";
  const ordinalOf = (s: (typeof live.servers)[number]) => Number(s.resource.metadata?.[META.ordinal] ?? 0);
  const leaving = live.servers
    .filter((s) => !wantServers.has(s.name))
    .sort((a, b) => (tierOf(a) < tierOf(b) ? -1 : tierOf(a) > tierOf(b) ? 1 : ordinalOf(b) - ordinalOf(a)));
  for (const s of leaving) deletes.push(step("delete", "Server", s.name, { id: s.resource.id }));
  for (const p of live.ports) {
    if (!wantServers.has(p.name)) deletes.push(step("delete", "Port", p.name, { id: p.resource.id }));
  }
  const wantRouters = want(desired.routers);
  for (const r of live.routers) {
    if (!wantRouters.has(r.name)) deletes.push(step("delete", "Router", r.name, { id: r.resource.id }));
  }
  const wantGroups = want(desired.securityGroups);
  for (const g of live.securityGroups) {
    if (!wantGroups.has(g.name)) deletes.push(step("delete", "SecurityGroup", g.name, { id: g.resource.id }));
  }
  const wantSubnets = want(desired.subnets);
  for (const s of live.subnets) {
    if (!wantSubnets.has(s.name)) deletes.push(step("delete", "Subnet", s.name, { id: s.resource.id }));
  }
  const wantNets = want(desired.networks);
  for (const n of live.networks) {
    if (!wantNets.has(n.name)) deletes.push(step("delete", "Network", n.name, { id: n.resource.id }));
  }
  // Array.prototype.sort is stable: within a kind the order above (LIFO for servers) stays.
  deletes.sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind));
  return { steps: [...creates, ...deletes], unchanged: unchanged.sort() };
}
