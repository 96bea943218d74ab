/**
 * What a saga step needs to do its work: the client, who owns what (site, intent), the desired stack, the ids
 * of what exists (filled as steps create things), the waits, and the hooks through which a step reports a
 * created resource before it waits on it (so a crash right after still finds its compensation data).
 */
import type { OpenStackClient } from "../client/createOpenStackClient.js";
import type { DesiredStack } from "./readDesiredStack.js";

/** What undoing a done step takes; persisted with the step. */
export type Compensation =
  | {
      do: "delete";
      kind: "Network" | "Subnet" | "Router" | "SecurityGroup" | "Port" | "Server" | "Volume";
      /** Known once the create request returned. */
      id?: string;
      /** Until then: the `Kind/name` whose tags find it. */
      ref: string;
    }
  | { do: "removeInterface"; router: string; subnet: string; routerId?: string; subnetId?: string }
  | { do: "deleteRule"; id?: string; group: string; key: string }
  | { do: "detach"; serverId?: string; volumeId?: string; volume: string; server: string }
  | { do: "resize"; server: string; serverId?: string; flavor: string }
  | { do: "none"; why: string };

export interface StepWaits {
  serverActiveMs: number;
  volumeMs: number;
  deleteMs: number;
  intervalMs: number;
}

export const DEFAULT_WAITS: StepWaits = {
  serverActiveMs: 180_000,
  volumeMs: 120_000,
  deleteMs: 180_000,
  intervalMs: 1000,
};

export interface StepContext {
  client: OpenStackClient;
  site: string;
  intentId: string;
  desired: DesiredStack;
  /** `Kind/name` → id of what exists now. */
  ids: Map<string, string>;
  /**
   * What interrupted sagas began to create (`Kind/name` → id if journalled): such a resource may lack its
   * tags (made, not yet tagged), and is adopted by id or name instead of made again.
   */
  adoptable: Map<string, string | undefined>;
  waits: StepWaits;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called as soon as a create request returned an id (before any wait). */
  onCreated: (compensation: Compensation) => Promise<void>;
  /** Test hook: called at named points of a step (`after-request`). */
  checkpoint?: (point: string) => void | Promise<void>;
}
