/**
 * `setupOpenStackDatabases`: creates every service's schema once per state directory (a marker file records
 * that it finished and for which layout; an interrupted or older setup starts over from empty databases).
 * Nova's three databases live on the sandbox's MariaDB (created here with their `nova` user), the others
 * on sqlite. Neutron's migrations do
 * not run on sqlite (ALTER of constraints), so its schema is created from the models and stamped at head, as
 * Neutron's own unit tests do. Every database is switched to WAL: Keystone's second write otherwise finds
 * the database locked.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KEYSTONE_URL, type SandboxLayout, SYSTEM_PYTHON } from "./sandboxLayout.js";
import { runTool } from "./serviceProcesses.js";
import { type ConfigFiles, novaDatabaseUrl } from "./writeOpenStackConfig.js";

/** What the marker names; a state directory set up for another layout is set up again. */
const SETUP_LAYOUT = "2: nova on mariadb";

/** Nova's databases, dropped and made again (an interrupted setup leaves half a schema), and its user. */
const NOVA_DATABASES = [
  "import os, pymysql",
  "c = pymysql.connect(unix_socket=os.environ['DB_SOCKET'], user='root', autocommit=True)",
  "cur = c.cursor()",
  "for db in ('nova_api', 'nova', 'nova_cell0'):",
  "    cur.execute('DROP DATABASE IF EXISTS ' + db)",
  "    cur.execute('CREATE DATABASE ' + db + ' CHARACTER SET utf8')",
  "cur.execute(\"CREATE USER IF NOT EXISTS 'nova'@'127.0.0.1'\")",
  "cur.execute(\"ALTER USER 'nova'@'127.0.0.1' IDENTIFIED BY %s\", (os.environ['DB_PASSWORD'],))",
  "for db in ('nova_api', 'nova', 'nova_cell0'):",
  "    cur.execute('GRANT ALL PRIVILEGES ON ' + db + \".* TO 'nova'@'127.0.0.1'\")",
].join("\n");

const NEUTRON_CREATE_ALL = [
  "import sys, sqlalchemy",
  "from neutron.db.migration.models import head",
  "engine = sqlalchemy.create_engine(sys.argv[1])",
  "head.get_metadata().create_all(engine)",
].join("\n");

const WAL = [
  "import sqlite3, sys",
  "for path in sys.argv[1:]:",
  "    c = sqlite3.connect(path)",
  "    c.execute('PRAGMA journal_mode=WAL')",
  "    c.close()",
].join("\n");

export interface SetupTimings {
  keystoneMs: number;
  othersMs: number;
  skipped: boolean;
}

/** @example await setupOpenStackDatabases(layout, files, { adminPassword }) */
export async function setupOpenStackDatabases(
  layout: SandboxLayout,
  files: ConfigFiles,
  options: { adminPassword: string; dbPassword: string; log?: (line: string) => void },
): Promise<SetupTimings> {
  const marker = join(layout.data, ".setup-complete");
  if (existsSync(marker) && (await readFile(marker, "utf8")).includes(SETUP_LAYOUT))
    return { keystoneMs: 0, othersMs: 0, skipped: true };
  const log = options.log ?? (() => undefined);
  // A setup that was interrupted left half a schema: start from empty databases.
  for (const f of await readdir(layout.data)) await rm(join(layout.data, f), { force: true });
  const setupLog = join(layout.log, "setup.log");
  const tool = (command: string, args: string[], env?: Record<string, string>) =>
    runTool(command, args, { cwd: layout.state, logFile: setupLog, ...(env ? { env } : {}) });
  const db = (name: string) => join(layout.data, `${name}.db`);

  let t = performance.now();
  log("openstack: keystone database, fernet keys, bootstrap");
  const k = ["--config-file", files.keystone];
  await tool("/usr/bin/keystone-manage", [...k, "db_sync"]);
  await tool(SYSTEM_PYTHON, ["-c", WAL, db("keystone")]);
  const owner = ["--keystone-user", "root", "--keystone-group", "root"];
  await tool("/usr/bin/keystone-manage", [...k, "fernet_setup", ...owner]);
  await tool("/usr/bin/keystone-manage", [...k, "credential_setup", ...owner]);
  const url = `${KEYSTONE_URL}/`;
  await tool(
    "/usr/bin/keystone-manage",
    [
      ...k,
      "bootstrap",
      "--bootstrap-admin-url",
      url,
      "--bootstrap-internal-url",
      url,
      "--bootstrap-public-url",
      url,
      "--bootstrap-region-id",
      "RegionOne",
    ],
    // The password goes by environment, not on a command line that `ps` shows.
    { OS_BOOTSTRAP_PASSWORD: options.adminPassword },
  );
  const keystoneMs = Math.round(performance.now() - t);

  t = performance.now();
  log("openstack: placement, nova, neutron, glance and cinder databases");
  const n = ["--config-file", files.nova];
  const nova = async () => {
    await tool(SYSTEM_PYTHON, ["-c", NOVA_DATABASES], {
      DB_SOCKET: layout.mariadbSocket,
      DB_PASSWORD: options.dbPassword,
    });
    await tool("/usr/bin/nova-manage", [...n, "api_db", "sync"]);
    await tool("/usr/bin/nova-manage", [
      ...n,
      "cell_v2",
      "map_cell0",
      "--database_connection",
      novaDatabaseUrl(options.dbPassword, "nova_cell0"),
    ]);
    await tool("/usr/bin/nova-manage", [...n, "cell_v2", "create_cell", "--name", "cell1"]);
    await tool("/usr/bin/nova-manage", [...n, "db", "sync"]);
  };
  const neutron = async () => {
    await tool(SYSTEM_PYTHON, ["-c", NEUTRON_CREATE_ALL, `sqlite:///${db("neutron")}?timeout=60`]);
    await tool("/usr/bin/neutron-db-manage", [
      "--config-file",
      files.neutron,
      "--config-file",
      files.ml2,
      "stamp",
      "heads",
    ]);
  };
  const placement = () =>
    tool("/usr/bin/placement-manage", [
      "--config-file",
      join(files.placementDir, "placement.conf"),
      "db",
      "sync",
    ]);
  const cinder = () => tool("/usr/bin/cinder-manage", ["--config-file", files.cinder, "db", "sync"]);
  const glance = () => tool("/usr/bin/glance-manage", ["--config-file", files.glance, "db_sync"]);
  // Two at a time: the machine has two cores and each sync is one busy Python process.
  const placementThenCinder = async () => {
    await placement();
    await cinder();
  };
  await Promise.all([nova(), placementThenCinder()]);
  await Promise.all([neutron(), glance()]);
  const all = (await readdir(layout.data)).filter((f) => f.endsWith(".db")).map((f) => join(layout.data, f));
  await tool(SYSTEM_PYTHON, ["-c", WAL, ...all]);
  const othersMs = Math.round(performance.now() - t);
  await writeFile(marker, `${new Date().toISOString()} ${SETUP_LAYOUT}\n`);
  return { keystoneMs, othersMs, skipped: false };
}
