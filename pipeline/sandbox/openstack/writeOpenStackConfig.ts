/**
 * `writeOpenStackConfig`: the configuration of every sandbox service, generated into `<state>/etc/`.
 * The settings are the ones measured to work in `notes/openstack-sandbox.md`: sqlite databases (MariaDB
 * for Nova, whose four writers locked sqlite), single
 * workers, Nova's FakeDriver on the host name Neutron's ML2 `test` driver binds (`host-ovs-filter-active`),
 * Cinder's FakeLoggingVolumeDriver, service tokens sent by Nova (Cinder refuses a detach otherwise), and
 * `password_hash_rounds = 4` (a token in 0.2 s instead of 4 s). The admin user doubles as the service user
 * and holds the `service` role.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OPENSTACK_PORTS, type SandboxLayout } from "./sandboxLayout.js";

/** The host name Nova's compute service reports; Neutron's ML2 `test` driver binds ports on it (vif ovs). */
export const COMPUTE_HOST = "host-ovs-filter-active";

/** A Nova database on the sandbox's MariaDB (user `nova`). */
export function novaDatabaseUrl(password: string, database: string): string {
  return `mysql+pymysql://nova:${password}@127.0.0.1:${OPENSTACK_PORTS.mariadb}/${database}?charset=utf8`;
}

export interface ConfigFiles {
  keystone: string;
  placementDir: string;
  nova: string;
  neutron: string;
  ml2: string;
  glance: string;
  cinder: string;
  rabbitEnv: string;
  rabbitConfig: string;
}

/**
 * Writes every config file (overwriting: the files are derived, never edited by hand).
 * @example const files = await writeOpenStackConfig(sandboxLayout(dir), { adminPassword, dbPassword });
 */
export async function writeOpenStackConfig(
  layout: SandboxLayout,
  options: { adminPassword: string; dbPassword: string },
): Promise<ConfigFiles> {
  const { state, etc, data, lock } = layout;
  const p = OPENSTACK_PORTS;
  // `timeout`: sqlite's busy wait (pysqlite's default is 5 s). Even 60 s did not keep Nova's conductor,
  // scheduler, API and compute from "database is locked" on one cell database, so Nova uses MariaDB.
  const sqlite = (name: string) => `sqlite:///${join(data, `${name}.db`)}?timeout=60`;
  const mariadb = (name: string) => novaDatabaseUrl(options.dbPassword, name);
  const transport = `rabbit://guest:guest@127.0.0.1:${p.rabbit}/`;
  const serviceAuth = [
    "auth_url = http://127.0.0.1:5000/",
    "auth_type = password",
    "project_domain_name = Default",
    "user_domain_name = Default",
    "project_name = admin",
    "username = admin",
    `password = ${options.adminPassword}`,
    "region_name = RegionOne",
  ].join("\n");
  const authtoken = [
    "[keystone_authtoken]",
    "www_authenticate_uri = http://127.0.0.1:5000/",
    "memcached_servers =",
    "service_token_roles_required = true",
    serviceAuth,
  ].join("\n");
  const files: ConfigFiles = {
    keystone: join(etc, "keystone", "keystone.conf"),
    placementDir: join(etc, "placement"),
    nova: join(etc, "nova", "nova.conf"),
    neutron: join(etc, "neutron", "neutron.conf"),
    ml2: join(etc, "neutron", "ml2_conf.ini"),
    glance: join(etc, "glance", "glance-api.conf"),
    cinder: join(etc, "cinder", "cinder.conf"),
    rabbitEnv: join(etc, "rabbitmq", "rabbitmq-env.conf"),
    rabbitConfig: join(etc, "rabbitmq", "rabbitmq.conf"),
  };
  const text: Array<[string, string]> = [
    [
      files.keystone,
      `[DEFAULT]
use_stderr = true
[database]
connection = ${sqlite("keystone")}
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = ${join(state, "keystone", "fernet-keys")}
[fernet_receipts]
key_repository = ${join(state, "keystone", "fernet-keys")}
[credential]
key_repository = ${join(state, "keystone", "credential-keys")}
[identity]
password_hash_rounds = 4
[oslo_concurrency]
lock_path = ${lock}
`,
    ],
    [
      join(files.placementDir, "placement.conf"),
      `[DEFAULT]
use_stderr = true
[api]
auth_strategy = keystone
[placement_database]
connection = ${sqlite("placement")}
${authtoken}
`,
    ],
    [
      files.nova,
      `[DEFAULT]
use_stderr = true
transport_url = ${transport}
my_ip = 127.0.0.1
host = ${COMPUTE_HOST}
compute_driver = fake.FakeDriver
state_path = ${join(state, "nova")}
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = ${p.nova}
osapi_compute_workers = 1
allow_resize_to_same_host = true
instance_usage_audit = false
heal_instance_info_cache_interval = -1
[api]
auth_strategy = keystone
[api_database]
connection = ${mariadb("nova_api")}
[database]
connection = ${mariadb("nova")}
${authtoken}
[service_user]
send_service_user_token = true
${serviceAuth}
[placement]
${serviceAuth}
[neutron]
${serviceAuth}
[cinder]
os_region_name = RegionOne
${serviceAuth}
[glance]
region_name = RegionOne
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 5
[vnc]
enabled = false
[oslo_concurrency]
lock_path = ${lock}
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
`,
    ],
    [
      files.neutron,
      `[DEFAULT]
use_stderr = true
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
bind_host = 127.0.0.1
bind_port = ${p.neutron}
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 0
transport_url = ${transport}
state_path = ${join(state, "neutron")}
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
api_paste_config = /etc/neutron/api-paste.ini
[database]
connection = ${sqlite("neutron")}
${authtoken}
[nova]
${serviceAuth}
[oslo_concurrency]
lock_path = ${lock}
`,
    ],
    [
      files.ml2,
      `[ml2]
type_drivers = flat,vxlan
tenant_network_types = vxlan
mechanism_drivers = test
extension_drivers = port_security
[ml2_type_flat]
flat_networks = public
[ml2_type_vxlan]
vni_ranges = 1:1000
`,
    ],
    [
      files.glance,
      `[DEFAULT]
use_stderr = true
bind_host = 127.0.0.1
bind_port = ${p.glance}
workers = 1
enabled_backends = fs:file
[database]
connection = ${sqlite("glance")}
${authtoken}
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = ${join(state, "glance", "images")}
[os_glance_staging_store]
filesystem_store_datadir = ${join(state, "glance", "staging")}
[os_glance_tasks_store]
filesystem_store_datadir = ${join(state, "glance", "tasks")}
[oslo_concurrency]
lock_path = ${lock}
`,
    ],
    [
      files.cinder,
      `[DEFAULT]
use_stderr = true
transport_url = ${transport}
auth_strategy = keystone
my_ip = 127.0.0.1
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = ${p.cinder}
osapi_volume_workers = 1
state_path = ${join(state, "cinder")}
volumes_dir = ${join(state, "cinder", "volumes")}
api_paste_config = /etc/cinder/api-paste.ini
enabled_backends = fake
glance_api_servers = http://127.0.0.1:${p.glance}
[fake]
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = fake
[database]
connection = ${sqlite("cinder")}
${authtoken}
[nova]
${serviceAuth}
[oslo_concurrency]
lock_path = ${lock}
`,
    ],
    [
      files.rabbitEnv,
      `NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=${p.rabbit}
DIST_PORT=${p.rabbitDist}
MNESIA_BASE=${join(state, "rabbitmq", "mnesia")}
LOG_BASE=${join(state, "log", "rabbitmq")}
CONFIG_FILE=${files.rabbitConfig.replace(/\.conf$/, "")}
ENABLED_PLUGINS_FILE=${join(etc, "rabbitmq", "enabled_plugins")}
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
`,
    ],
    [files.rabbitConfig, "loopback_users.guest = true\nlisteners.tcp.default = 127.0.0.1:5672\n"],
    [join(etc, "rabbitmq", "enabled_plugins"), "[].\n"],
  ];
  for (const [path, content] of text) {
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, content, { mode: 0o600 });
  }
  for (const dir of [
    join(state, "keystone", "fernet-keys"),
    join(state, "keystone", "credential-keys"),
    join(state, "nova", "instances"),
    join(state, "neutron"),
    join(state, "glance", "images"),
    join(state, "glance", "staging"),
    join(state, "glance", "tasks"),
    join(state, "cinder", "volumes"),
    join(state, "rabbitmq", "mnesia"),
    join(state, "log", "rabbitmq"),
    layout.data,
    layout.log,
    layout.run,
    lock,
  ]) {
    await mkdir(dir, { recursive: true });
  }
  return files;
}
