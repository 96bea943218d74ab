/**
 * `checkOpenStackInstalled`: which of the Debian pieces the sandbox runs are missing (an empty list means
 * all are there). The names are the files the sandbox executes or loads, so the answer cannot be wrong about
 * what a start needs.
 */
import { existsSync } from "node:fs";

export const REQUIRED_FILES: ReadonlyArray<{ path: string; packageName: string }> = [
  { path: "/usr/lib/rabbitmq/bin/rabbitmq-server", packageName: "rabbitmq-server" },
  { path: "/usr/bin/keystone-manage", packageName: "keystone" },
  { path: "/usr/bin/keystone-wsgi-public", packageName: "keystone" },
  { path: "/usr/bin/uwsgi", packageName: "uwsgi-core" },
  { path: "/usr/bin/placement-api", packageName: "placement-api" },
  { path: "/usr/bin/nova-api", packageName: "nova-api" },
  { path: "/usr/bin/nova-conductor", packageName: "nova-conductor" },
  { path: "/usr/bin/nova-scheduler", packageName: "nova-scheduler" },
  { path: "/usr/bin/neutron-server", packageName: "neutron-server" },
  { path: "/usr/bin/glance-api", packageName: "glance-api" },
  { path: "/usr/bin/cinder-api", packageName: "cinder-api" },
  { path: "/usr/bin/cinder-scheduler", packageName: "cinder-scheduler" },
  {
    path: "/usr/lib/python3/dist-packages/cinder/tests/fake_driver.py",
    packageName: "python3-cinder",
  },
  {
    path: "/usr/lib/python3/dist-packages/neutron/tests/unit/plugins/ml2/drivers/mechanism_test.py",
    packageName: "python3-neutron",
  },
  { path: "/usr/bin/python3", packageName: "python3" },
  { path: "/usr/sbin/mariadbd", packageName: "mariadb-server-core" },
  // mariadb-install-db needs my_print_defaults.
  { path: "/usr/bin/my_print_defaults", packageName: "mariadb-client-core" },
  { path: "/usr/lib/python3/dist-packages/pymysql/__init__.py", packageName: "python3-pymysql" },
];

/** The Debian packages to install, one per missing file, sorted and without repeats. */
export function checkOpenStackInstalled(exists: (path: string) => boolean = existsSync): string[] {
  return [...new Set(REQUIRED_FILES.filter((f) => !exists(f.path)).map((f) => f.packageName))].sort();
}
