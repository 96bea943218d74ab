/**
 * `applyStep`: does one create or update step of a plan. A create first looks for the resource by its
 * tags (or metadata): if it exists — made by an earlier, interrupted or retried attempt — it is adopted, so
 * no step ever creates a second one. Servers are polled to ACTIVE, volumes to available, attachments to
 * in-use. Returns how to undo the step.
 */
import { IntentopsError } from "../../../compiler/errors.js";
import { createVolume, getVolume, listVolumes } from "../blockstorage/volumes/requests.js";
import type { Volume } from "../blockstorage/volumes/results.js";
import { OpenStackWaitError } from "../client/openStackErrors.js";
import { findFlavor } from "../compute/flavors/requests.js";
import {
  confirmResize,
  createServer,
  deleteServer,
  getServer,
  listServers,
  resizeServer,
} from "../compute/servers/requests.js";
import type { Server } from "../compute/servers/results.js";
import { attachVolume } from "../compute/volumeattach/requests.js";
import { findImage } from "../image/images/requests.js";
import { type NeutronCollection, setNeutronTags } from "../networking/collection.js";
import { createNetwork, findNetworkByName, listNetworks } from "../networking/networks/requests.js";
import { NETWORKS } from "../networking/networks/urls.js";
import { createPort, listPorts } from "../networking/ports/requests.js";
import { PORTS } from "../networking/ports/urls.js";
import {
  addRouterInterface,
  createRouter,
  listRouterInterfaces,
  listRouters,
} from "../networking/routers/requests.js";
import { ROUTERS } from "../networking/routers/urls.js";
import {
  createSecurityGroup,
  createSecurityGroupRule,
  getSecurityGroup,
  listSecurityGroups,
} from "../networking/securitygroups/requests.js";
import { type RuleSpec, ruleKey } from "../networking/securitygroups/results.js";
import { SECURITY_GROUPS } from "../networking/securitygroups/urls.js";
import { createSubnet, listSubnets } from "../networking/subnets/requests.js";
import { SUBNETS } from "../networking/subnets/urls.js";
import type { PlannedStep } from "./planStackChanges.js";
import { META, OWNER_TAG, ownerMetadata, ownerTags } from "./resourceTags.js";
import type { Compensation, StepContext } from "./stepContext.js";
import { waitForStatus } from "./waitForStatus.js";

export interface StepResult {
  resourceId?: string;
  /** The resource existed already (made by an earlier attempt) and was taken over. */
  adopted: boolean;
  compensation: Compensation;
}

function idOf(ctx: StepContext, ref: string): string {
  const id = ctx.ids.get(ref);
  if (!id) throw new IntentopsError("E_OPENSTACK_DEPENDENCY", `${ref} does not exist yet`, { subject: ref });
  return id;
}

export function waitServerActive(ctx: StepContext, id: string, subject: string): Promise<Server | undefined> {
  return waitForStatus<Server>({
    subject,
    read: () => getServer(ctx.client, id),
    status: (s) => s.status,
    want: ["ACTIVE"],
    failOn: ["ERROR", "GONE"],
    describe: (s) => s.fault?.message ?? "no fault message",
    timeoutMs: ctx.waits.serverActiveMs,
    intervalMs: ctx.waits.intervalMs,
    ...(ctx.now ? { now: ctx.now } : {}),
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  });
}

export function waitVolume(ctx: StepContext, id: string, subject: string, want: string[]) {
  return waitForStatus<Volume>({
    subject,
    read: () => getVolume(ctx.client, id),
    status: (v) => v.status,
    want,
    failOn: ["error", "error_deleting", "error_attaching", "error_detaching"],
    timeoutMs: ctx.waits.volumeMs,
    intervalMs: ctx.waits.intervalMs,
    ...(ctx.now ? { now: ctx.now } : {}),
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  });
}

/**
 * Creates (or adopts) a Neutron resource. Zed's Neutron takes no tags in a create request, so the tags follow
 * in a second request; the id is journalled in between. A resource an interrupted attempt made but could
 * not tag is found through the journal (its id, or — if even that was lost — its name, for a step the
 * journal says was started) and adopted, never made twice.
 */
async function neutronCreate<T extends { id: string; name: string; tags: string[] }>(
  ctx: StepContext,
  kind: "Network" | "Subnet" | "Router" | "SecurityGroup" | "Port",
  name: string,
  find: (filter: Record<string, string>) => Promise<T[]>,
  create: () => Promise<T>,
  collection: NeutronCollection,
  neutronName: string = name,
): Promise<StepResult> {
  const tags = ownerTags(ctx.site, ctx.intentId, kind, name);
  const ref = `${kind}/${name}`;
  let existing = (await find({ tags: tags.join(",") }))[0];
  if (!existing && ctx.adoptable.has(ref)) {
    const id = ctx.adoptable.get(ref);
    const candidates = id ? await find({ id }) : await find({ name: neutronName });
    existing = candidates.find((c) => !c.tags.includes(OWNER_TAG));
  }
  if (existing) {
    if (!tags.every((t) => existing.tags.includes(t)))
      await setNeutronTags(ctx.client, collection, existing.id, tags);
    ctx.ids.set(ref, existing.id);
    return {
      resourceId: existing.id,
      adopted: true,
      compensation: { do: "delete", kind, id: existing.id, ref },
    };
  }
  const made = await create();
  const compensation: Compensation = { do: "delete", kind, id: made.id, ref };
  await ctx.onCreated(compensation);
  await ctx.checkpoint?.("after-request");
  await setNeutronTags(ctx.client, collection, made.id, tags);
  ctx.ids.set(ref, made.id);
  return { resourceId: made.id, adopted: false, compensation };
}

/** @example const result = await applyStep(step, ctx); */
export async function applyStep(step: PlannedStep, ctx: StepContext): Promise<StepResult> {
  const { client, desired } = ctx;
  const find = <T extends { name: string }>(list: readonly T[], name: string): T => {
    const found = list.find((x) => x.name === name);
    if (!found) throw new IntentopsError("E_OPENSTACK_PLAN", `${step.kind}/${name} is not desired`);
    return found;
  };
  switch (`${step.op} ${step.kind}`) {
    case "create Network": {
      const n = find(desired.networks, step.name);
      return neutronCreate(
        ctx,
        "Network",
        n.name,
        (f) => listNetworks(client, f),
        () =>
          createNetwork(client, {
            name: n.name,
            adminStateUp: n.adminStateUp,
            ...(n.description ? { description: n.description } : {}),
          }),
        NETWORKS,
      );
    }
    case "create Subnet": {
      const s = find(desired.subnets, step.name);
      return neutronCreate(
        ctx,
        "Subnet",
        s.name,
        (f) => listSubnets(client, f),
        () =>
          createSubnet(client, {
            name: s.name,
            networkId: idOf(ctx, `Network/${s.network}`),
            cidr: s.cidr,
            ipVersion: s.ipVersion,
            enableDhcp: s.enableDhcp,
            ...(s.gatewayIp ? { gatewayIp: s.gatewayIp } : {}),
          }),
        SUBNETS,
      );
    }
    case "create Router": {
      const r = find(desired.routers, step.name);
      const external = r.externalNetwork
        ? (await findNetworkByName(client, r.externalNetwork)).id
        : undefined;
      return neutronCreate(
        ctx,
        "Router",
        r.name,
        (f) => listRouters(client, f),
        () => createRouter(client, { name: r.name, ...(external ? { externalNetworkId: external } : {}) }),
        ROUTERS,
      );
    }
    case "create RouterInterface": {
      const router = String(step.detail.router);
      const subnet = String(step.detail.subnet);
      const routerId = idOf(ctx, `Router/${router}`);
      const subnetId = idOf(ctx, `Subnet/${subnet}`);
      const compensation: Compensation = { do: "removeInterface", router, subnet, routerId, subnetId };
      const present = (await listRouterInterfaces(client, routerId)).some((i) => i.subnetId === subnetId);
      if (present) return { adopted: true, compensation };
      await addRouterInterface(client, routerId, subnetId);
      return { adopted: false, compensation };
    }
    case "create SecurityGroup": {
      const g = find(desired.securityGroups, step.name);
      return neutronCreate(
        ctx,
        "SecurityGroup",
        g.name,
        (f) => listSecurityGroups(client, f),
        () =>
          createSecurityGroup(client, {
            name: g.name,
            ...(g.description ? { description: g.description } : {}),
          }),
        SECURITY_GROUPS,
      );
    }
    case "create SecurityGroupRule": {
      const group = String(step.detail.group);
      const rule = step.detail.rule as RuleSpec;
      const groupId = idOf(ctx, `SecurityGroup/${group}`);
      const key = ruleKey(rule);
      const live = await getSecurityGroup(client, groupId);
      const existing = live?.security_group_rules.find((r) => ruleKey(r) === key);
      if (existing)
        return {
          resourceId: existing.id,
          adopted: true,
          compensation: { do: "deleteRule", id: existing.id, group, key },
        };
      const made = await createSecurityGroupRule(client, groupId, rule);
      return {
        resourceId: made.id,
        adopted: false,
        compensation: { do: "deleteRule", id: made.id, group, key },
      };
    }
    case "create Port": {
      const s = find(desired.servers, step.name);
      return neutronCreate(
        ctx,
        "Port",
        s.name,
        (f) => listPorts(client, f),
        () =>
          createPort(client, {
            name: `${s.name}-port`,
            networkId: idOf(ctx, `Network/${s.network}`),
            subnetId: idOf(ctx, `Subnet/${s.subnet}`),
            securityGroupIds: s.securityGroups.map((g) => idOf(ctx, `SecurityGroup/${g}`)),
          }),
        PORTS,
        `${s.name}-port`,
      );
    }
    case "create Server": {
      const s = find(desired.servers, step.name);
      const ref = `Server/${s.name}`;
      const tags = ownerTags(ctx.site, ctx.intentId, "Server", s.name);
      let id = (await listServers(client, { tags }))[0]?.id;
      const adopted = id !== undefined;
      if (!id) {
        const [flavor, image] = await Promise.all([findFlavor(client, s.flavor), findImage(client, s.image)]);
        const made = await createServer(client, {
          name: s.name,
          flavorId: flavor.id,
          imageId: image.id,
          portIds: [idOf(ctx, `Port/${s.name}`)],
          metadata: ownerMetadata(ctx.site, ctx.intentId, "Server", s.name, {
            ...s.metadata,
            [META.tier]: s.tier,
            [META.ordinal]: String(s.ordinal),
          }),
          tags,
          ...(s.keyName ? { keyName: s.keyName } : {}),
          ...(s.userData ? { userData: s.userData } : {}),
        });
        id = made.id;
        await ctx.checkpoint?.("after-request");
        await ctx.onCreated({ do: "delete", kind: "Server", id, ref });
      }
      ctx.ids.set(ref, id);
      try {
        await waitServerActive(ctx, id, ref);
      } catch (error) {
        if (!(error instanceof OpenStackWaitError) || error.code !== "E_OPENSTACK_RESOURCE_ERROR")
          throw error;
        // A build that failed (Nova: "Exhausted all hosts…") is not this server's fate: remove it and let
        // the step's retry build a new one — found by nobody, since it is gone.
        await removeServerQuietly(ctx, id, ref);
        ctx.ids.delete(ref);
        throw new IntentopsError(
          "E_OPENSTACK_BUILD_FAILED",
          `${error.message} (removed; the step builds it again)`,
          {
            subject: ref,
            cause: error,
          },
        );
      }
      return { resourceId: id, adopted, compensation: { do: "delete", kind: "Server", id, ref } };
    }
    case "update Server": {
      const s = find(desired.servers, step.name);
      const ref = `Server/${s.name}`;
      const id = idOf(ctx, ref);
      const from = String(step.detail.from);
      const compensation: Compensation = { do: "resize", server: s.name, serverId: id, flavor: from };
      await resizeServerTo(ctx, id, ref, s.flavor);
      return { resourceId: id, adopted: false, compensation };
    }
    case "create Volume": {
      const v = find(desired.volumes, step.name);
      const ref = `Volume/${v.name}`;
      let id = (
        await listVolumes(client, {
          metadata: { [META.site]: ctx.site, [META.intent]: ctx.intentId, [META.ref]: ref },
        })
      )[0]?.id;
      const adopted = id !== undefined;
      if (!id) {
        const made = await createVolume(client, {
          name: v.name,
          size: v.size,
          metadata: ownerMetadata(ctx.site, ctx.intentId, "Volume", v.name, {
            [META.ordinal]: String(v.ordinal),
          }),
        });
        id = made.id;
        await ctx.checkpoint?.("after-request");
        await ctx.onCreated({ do: "delete", kind: "Volume", id, ref });
      }
      ctx.ids.set(ref, id);
      await waitVolume(ctx, id, ref, ["available", "in-use"]);
      return { resourceId: id, adopted, compensation: { do: "delete", kind: "Volume", id, ref } };
    }
    case "create VolumeAttachment": {
      const volume = String(step.detail.volume);
      const server = String(step.detail.server);
      const volumeId = idOf(ctx, `Volume/${volume}`);
      const serverId = idOf(ctx, `Server/${server}`);
      const compensation: Compensation = { do: "detach", volume, server, volumeId, serverId };
      const live = await waitVolume(ctx, volumeId, `Volume/${volume}`, ["available", "in-use", "attaching"]);
      const adopted = live?.attachments.some((a) => a.server_id === serverId) ?? false;
      if (!adopted && live?.status === "available") await attachVolume(client, serverId, volumeId);
      await waitVolume(ctx, volumeId, `Volume/${volume}`, ["in-use"]);
      return { adopted, compensation };
    }
    default:
      throw new IntentopsError("E_OPENSTACK_PLAN", `${step.id}: not a create or update step`);
  }
}

async function removeServerQuietly(ctx: StepContext, id: string, subject: string): Promise<void> {
  await deleteServer(ctx.client, id);
  await waitForStatus<Server>({
    subject,
    read: () => getServer(ctx.client, id),
    status: (s) => s.status,
    want: ["GONE"],
    timeoutMs: ctx.waits.deleteMs,
    intervalMs: ctx.waits.intervalMs,
    ...(ctx.now ? { now: ctx.now } : {}),
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  });
}

/** Resizes a server and confirms the resize (Nova keeps it in VERIFY_RESIZE until confirmed). */
export async function resizeServerTo(
  ctx: StepContext,
  id: string,
  subject: string,
  flavorName: string,
): Promise<void> {
  const flavor = await findFlavor(ctx.client, flavorName);
  const server = await getServer(ctx.client, id);
  if (server?.flavor.original_name === flavorName && server.status === "ACTIVE") return;
  if (server?.status === "ACTIVE") await resizeServer(ctx.client, id, flavor.id);
  const resized = await waitForStatus<Server>({
    subject,
    read: () => getServer(ctx.client, id),
    status: (s) => s.status,
    want: ["VERIFY_RESIZE", "ACTIVE"],
    failOn: ["ERROR", "GONE"],
    describe: (s) => s.fault?.message ?? "no fault message",
    timeoutMs: ctx.waits.serverActiveMs,
    intervalMs: ctx.waits.intervalMs,
    ...(ctx.now ? { now: ctx.now } : {}),
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  });
  if (resized?.status === "VERIFY_RESIZE") await confirmResize(ctx.client, id);
  const done = await waitServerActive(ctx, id, subject);
  if (done?.flavor.original_name !== flavorName) {
    throw new IntentopsError(
      "E_OPENSTACK_RESIZE",
      `${subject}: flavor is ${done?.flavor.original_name} after the resize to ${flavorName}`,
      { subject },
    );
  }
}
