/**
 * `removeResource` and `compensate`: taking things away, each waited on — a server until Nova no longer
 * knows it, a volume detached before it is deleted and then until Cinder no longer knows it, a router's
 * interfaces and gateway before the router. Something already gone counts as removed, so every removal can be
 * repeated after a crash. `compensate` undoes one done step from its persisted compensation data.
 */
import { IntentopsError } from "../../../compiler/errors.js";
import { deleteVolume, getVolume, listVolumes } from "../blockstorage/volumes/requests.js";
import { deleteServer, getServer, listServers } from "../compute/servers/requests.js";
import { detachVolume } from "../compute/volumeattach/requests.js";
import { deleteNetwork, listNetworks } from "../networking/networks/requests.js";
import { deletePort, listPorts } from "../networking/ports/requests.js";
import {
  deleteRouter,
  getRouter,
  listRouterInterfaces,
  listRouters,
  removeRouterInterface,
  setRouterGateway,
} from "../networking/routers/requests.js";
import {
  deleteSecurityGroup,
  deleteSecurityGroupRule,
  listSecurityGroups,
} from "../networking/securitygroups/requests.js";
import { deleteSubnet, listSubnets } from "../networking/subnets/requests.js";
import { resizeServerTo, waitVolume } from "./applyStep.js";
import type { PlannedStep } from "./planStackChanges.js";
import { META, ownerTags } from "./resourceTags.js";
import type { Compensation, StepContext } from "./stepContext.js";
import { waitForStatus } from "./waitForStatus.js";

type DeletableKind = "Network" | "Subnet" | "Router" | "SecurityGroup" | "Port" | "Server" | "Volume";

/** Finds a resource's id by its tags or metadata (for a create whose id was never recorded). */
async function lookup(ctx: StepContext, kind: DeletableKind, name: string): Promise<string | undefined> {
  const tags = ownerTags(ctx.site, ctx.intentId, kind, name);
  const filter = { tags: tags.join(",") };
  switch (kind) {
    case "Network":
      return (await listNetworks(ctx.client, filter))[0]?.id;
    case "Subnet":
      return (await listSubnets(ctx.client, filter))[0]?.id;
    case "Router":
      return (await listRouters(ctx.client, filter))[0]?.id;
    case "SecurityGroup":
      return (await listSecurityGroups(ctx.client, filter))[0]?.id;
    case "Port":
      return (await listPorts(ctx.client, filter))[0]?.id;
    case "Server":
      return (await listServers(ctx.client, { tags }))[0]?.id;
    case "Volume":
      return (
        await listVolumes(ctx.client, {
          metadata: { [META.site]: ctx.site, [META.intent]: ctx.intentId, [META.ref]: `Volume/${name}` },
        })
      )[0]?.id;
  }
}

/** Removes one resource by id, waiting until it is gone. */
export async function removeResource(
  ctx: StepContext,
  kind: DeletableKind,
  id: string,
  subject: string,
): Promise<void> {
  const { client } = ctx;
  const wait = {
    timeoutMs: ctx.waits.deleteMs,
    intervalMs: ctx.waits.intervalMs,
    ...(ctx.now ? { now: ctx.now } : {}),
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  };
  switch (kind) {
    case "Server":
      // Nova can accept a delete and then fail it (its DB write lost; the server stays, task state
      // cleared): only "gone" (404) counts, and a server still there after a third of the wait is deleted
      // again, up to three times.
      for (let attempt = 1; ; attempt++) {
        await deleteServer(client, id);
        try {
          await waitForStatus({
            subject,
            read: () => getServer(client, id),
            status: (s) => s.status,
            want: ["GONE"],
            ...wait,
            timeoutMs: Math.ceil(ctx.waits.deleteMs / 3),
          });
          return;
        } catch (error) {
          if (attempt >= 3) throw error;
        }
      }
    case "Volume": {
      const volume = await getVolume(client, id);
      if (!volume) return;
      for (const a of volume.attachments) await detachVolume(client, a.server_id, id);
      if (volume.attachments.length > 0 || volume.status === "detaching")
        await waitVolume(ctx, id, subject, ["available"]);
      await deleteVolume(client, id);
      await waitForStatus({
        subject,
        read: () => getVolume(client, id),
        status: (v) => v.status,
        want: ["GONE"],
        failOn: ["error_deleting"],
        ...wait,
      });
      return;
    }
    case "Router": {
      if (!(await getRouter(client, id))) return;
      for (const i of await listRouterInterfaces(client, id))
        await removeRouterInterface(client, id, i.subnetId);
      await setRouterGateway(client, id, null);
      await deleteRouter(client, id);
      return;
    }
    case "Port":
      return deletePort(client, id);
    case "SecurityGroup":
      return deleteSecurityGroup(client, id);
    case "Subnet":
      return deleteSubnet(client, id);
    case "Network":
      return deleteNetwork(client, id);
  }
}

/** Does one delete step of a plan. */
export async function deleteStep(step: PlannedStep, ctx: StepContext): Promise<void> {
  const subject = `${step.kind}/${step.name}`;
  switch (step.kind) {
    case "SecurityGroupRule":
      return deleteSecurityGroupRule(ctx.client, String(step.detail.id));
    case "RouterInterface":
      return removeRouterInterface(ctx.client, String(step.detail.routerId), String(step.detail.subnetId));
    case "VolumeAttachment":
      throw new IntentopsError("E_OPENSTACK_PLAN", `${step.id}: detach is part of the volume's delete`);
    default:
      await removeResource(ctx, step.kind, String(step.detail.id), subject);
      ctx.ids.delete(subject);
  }
}

/** Undoes a done (or half-done) step from its compensation data. */
export async function compensate(compensation: Compensation, ctx: StepContext): Promise<void> {
  switch (compensation.do) {
    case "none":
      return;
    case "delete": {
      const name = compensation.ref.slice(compensation.ref.indexOf("/") + 1);
      const id = compensation.id ?? (await lookup(ctx, compensation.kind, name));
      if (!id) return; // never made: nothing to undo
      await removeResource(ctx, compensation.kind, id, compensation.ref);
      ctx.ids.delete(compensation.ref);
      return;
    }
    case "removeInterface": {
      const routerId = compensation.routerId ?? ctx.ids.get(`Router/${compensation.router}`);
      const subnetId = compensation.subnetId ?? ctx.ids.get(`Subnet/${compensation.subnet}`);
      if (routerId && subnetId) await removeRouterInterface(ctx.client, routerId, subnetId);
      return;
    }
    case "deleteRule":
      if (compensation.id) await deleteSecurityGroupRule(ctx.client, compensation.id);
      return;
    case "detach": {
      if (!compensation.serverId || !compensation.volumeId) return;
      await detachVolume(ctx.client, compensation.serverId, compensation.volumeId);
      const volume = await getVolume(ctx.client, compensation.volumeId);
      if (volume)
        await waitVolume(ctx, compensation.volumeId, `Volume/${compensation.volume}`, ["available"]);
      return;
    }
    case "resize": {
      const id = compensation.serverId ?? ctx.ids.get(`Server/${compensation.server}`);
      if (id) await resizeServerTo(ctx, id, `Server/${compensation.server}`, compensation.flavor);
      return;
    }
  }
}
