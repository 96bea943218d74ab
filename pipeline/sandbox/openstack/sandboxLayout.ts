/**
 * Where the OpenStack sandbox keeps its files and which loopback ports its services answer on. One state
 * directory holds everything (configs, sqlite databases, logs, pid files, the generated credentials), so
 * `rm -rf` of it is a full reset and two sandboxes never share a file.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The service ports (the upstream defaults, on 127.0.0.1 only). */
export const OPENSTACK_PORTS = {
  keystone: 5000,
  placement: 8778,
  nova: 8774,
  neutron: 9696,
  glance: 9292,
  cinder: 8776,
  rabbit: 5672,
  rabbitDist: 25672,
  /** MariaDB for Nova's databases: not 3306, so a MySQL of the machine's own is never touched. */
  mariadb: 13306,
} as const;

/** The Debian interpreter: the OpenStack modules live in its dist-packages (a pyenv `python3` lacks them). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

export interface SandboxLayout {
  state: string;
  etc: string;
  data: string;
  log: string;
  run: string;
  lock: string;
  /** File holding the `intentops` user's password (mode 600), referenced from the written site registry. */
  passwordFile: string;
  /** The admin password, also only in a file. */
  adminPasswordFile: string;
  /** MariaDB's data directory (Nova's databases) and socket, and the password of its `nova` user. */
  mariadbData: string;
  mariadbSocket: string;
  dbPasswordFile: string;
  /** `sites.yaml` with the `openstack1` site pointing at this sandbox. */
  sitesFile: string;
  /** JSON facts about the running sandbox (ids, URLs, start time) for tests and the demo. */
  infoFile: string;
}

/** The default state directory: one per machine user under the temp dir, so a second start finds the first. */
export function defaultStateDir(): string {
  return join(tmpdir(), "intentops-openstack");
}

export function sandboxLayout(state: string = defaultStateDir()): SandboxLayout {
  return {
    state,
    etc: join(state, "etc"),
    data: join(state, "data"),
    log: join(state, "log"),
    run: join(state, "run"),
    lock: join(state, "lock"),
    passwordFile: join(state, "intentops-password"),
    adminPasswordFile: join(state, "admin-password"),
    mariadbData: join(state, "mariadb"),
    mariadbSocket: join(state, "run", "mariadb.sock"),
    dbPasswordFile: join(state, "db-password"),
    sitesFile: join(state, "sites.yaml"),
    infoFile: join(state, "sandbox.json"),
  };
}

export const KEYSTONE_URL = `http://127.0.0.1:${OPENSTACK_PORTS.keystone}/v3`;
