/**
 * The sandbox's processes: how each is started (command, arguments, environment) and how it is known to be
 * up. Python services run under Debian's `/usr/bin/python3` (the modules live in its dist-packages), Nova's
 * compute and Cinder's volume service from their modules (their packages would drag in qemu and LVM), and
 * Neutron under `-O` (the ML2 `test` driver asserts a condition that is false on a rebind). MariaDB holds
 * Nova's databases: on sqlite, Nova's four writers (API, conductor, scheduler, compute) lost writes to
 * "database is locked" — a server build or delete failed now and then.
 */
import { join } from "node:path";
import { OPENSTACK_PORTS, type SandboxLayout, SYSTEM_PYTHON } from "./sandboxLayout.js";
import type { ConfigFiles } from "./writeOpenStackConfig.js";

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** An HTTP URL that answers (any status < 500) once the service is up; none for RPC-only services. */
  readyUrl?: string;
}

const uwsgi = (port: number, wsgiFile: string, processes: number, pidfile: string) => [
  "--plugin",
  "python3",
  "--http-socket",
  `127.0.0.1:${port}`,
  "--wsgi-file",
  wsgiFile,
  "--master",
  "--processes",
  String(processes),
  "--threads",
  "1",
  "--die-on-term",
  "--need-app",
  "--add-header",
  "Connection: close",
  "--pidfile",
  pidfile,
];

/** The names of every sandbox service, in start order (stop goes the other way). */
export const SERVICE_NAMES = [
  "mariadb",
  "epmd",
  "rabbitmq",
  "keystone",
  "placement",
  "glance-api",
  "neutron-server",
  "nova-api",
  "nova-conductor",
  "nova-scheduler",
  "nova-compute",
  "cinder-api",
  "cinder-scheduler",
  "cinder-volume",
] as const;

/** Debian's MariaDB on loopback only, its data, socket and pid under the state directory. */
export function mariadbService(layout: SandboxLayout): ServiceSpec {
  return {
    name: "mariadb",
    command: "/usr/sbin/mariadbd",
    args: [
      "--no-defaults",
      `--datadir=${layout.mariadbData}`,
      `--socket=${layout.mariadbSocket}`,
      `--port=${OPENSTACK_PORTS.mariadb}`,
      "--bind-address=127.0.0.1",
      "--user=root",
      "--skip-name-resolve",
      "--skip-log-bin",
      "--max-connections=500",
      "--innodb-buffer-pool-size=64M",
      // A sandbox: a crash may lose the last second of commits, as a test machine's power cut would.
      "--innodb-flush-log-at-trx-commit=2",
      `--pid-file=${join(layout.run, "mariadbd.pid")}`,
    ],
  };
}

/**
 * Erlang's port mapper, started by us in the foreground on loopback: RabbitMQ would otherwise start it as a
 * daemon of its own that outlives the sandbox.
 */
export function epmdService(): ServiceSpec {
  return { name: "epmd", command: "/usr/bin/epmd", args: ["-address", "127.0.0.1"] };
}

/** RabbitMQ first, then Keystone; the rest after Keystone answers. */
export function rabbitService(layout: SandboxLayout, files: ConfigFiles): ServiceSpec {
  return {
    name: "rabbitmq",
    command: "/usr/lib/rabbitmq/bin/rabbitmq-server",
    args: [],
    env: {
      RABBITMQ_CONF_ENV_FILE: files.rabbitEnv,
      HOME: join(layout.state, "rabbitmq"),
      ERL_EPMD_ADDRESS: "127.0.0.1",
    },
  };
}

export function keystoneService(layout: SandboxLayout, files: ConfigFiles): ServiceSpec {
  return {
    name: "keystone",
    command: "/usr/bin/uwsgi",
    // Two processes: Nova's compute service drops its keystone connection when one worker is busy.
    args: uwsgi(
      OPENSTACK_PORTS.keystone,
      "/usr/bin/keystone-wsgi-public",
      2,
      join(layout.run, "keystone.uwsgi.pid"),
    ),
    env: { OS_KEYSTONE_CONFIG_FILES: files.keystone },
    readyUrl: `http://127.0.0.1:${OPENSTACK_PORTS.keystone}/v3`,
  };
}

export function otherServices(layout: SandboxLayout, files: ConfigFiles): ServiceSpec[] {
  const p = OPENSTACK_PORTS;
  const nova = ["--config-file", files.nova];
  const cinder = ["--config-file", files.cinder];
  return [
    {
      name: "placement",
      command: "/usr/bin/uwsgi",
      args: uwsgi(p.placement, "/usr/bin/placement-api", 1, join(layout.run, "placement.uwsgi.pid")),
      env: { OS_PLACEMENT_CONFIG_DIR: files.placementDir },
      readyUrl: `http://127.0.0.1:${p.placement}/`,
    },
    {
      name: "glance-api",
      command: "/usr/bin/glance-api",
      args: ["--config-file", files.glance],
      readyUrl: `http://127.0.0.1:${p.glance}/`,
    },
    {
      name: "neutron-server",
      command: SYSTEM_PYTHON,
      args: ["-O", "/usr/bin/neutron-server", "--config-file", files.neutron, "--config-file", files.ml2],
      readyUrl: `http://127.0.0.1:${p.neutron}/`,
    },
    {
      name: "nova-api",
      command: "/usr/bin/nova-api",
      args: nova,
      readyUrl: `http://127.0.0.1:${p.nova}/`,
    },
    { name: "nova-conductor", command: "/usr/bin/nova-conductor", args: nova },
    { name: "nova-scheduler", command: "/usr/bin/nova-scheduler", args: nova },
    {
      name: "nova-compute",
      command: SYSTEM_PYTHON,
      args: ["-c", "import sys; from nova.cmd.compute import main; sys.exit(main())", ...nova],
    },
    {
      name: "cinder-api",
      command: "/usr/bin/cinder-api",
      args: cinder,
      readyUrl: `http://127.0.0.1:${p.cinder}/`,
    },
    { name: "cinder-scheduler", command: "/usr/bin/cinder-scheduler", args: cinder },
    {
      name: "cinder-volume",
      command: SYSTEM_PYTHON,
      args: ["-c", "import sys; from cinder.cmd.volume import main; sys.exit(main())", ...cinder],
    },
  ];
}
