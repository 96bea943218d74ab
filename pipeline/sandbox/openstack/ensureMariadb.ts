/**
 * `ensureMariadb`: the sandbox's MariaDB (Nova's databases) initialised once in `<state>/mariadb` with
 * Debian's `mariadb-install-db`, started if it is not running, and waited for until it accepts connections
 * on its loopback port. Root logs in only over the state directory's socket.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { IntentopsError } from "../../../compiler/errors.js";
import { mariadbService } from "./openStackServices.js";
import { OPENSTACK_PORTS, type SandboxLayout } from "./sandboxLayout.js";
import { runTool, serviceRunning, spawnService } from "./serviceProcesses.js";
import { tcpAnswers } from "./tcpAnswers.js";

/** @returns whether this call started it */
export async function ensureMariadb(layout: SandboxLayout, timeoutMs = 120_000): Promise<boolean> {
  let started = false;
  if (!(await serviceRunning(layout, "mariadb"))) {
    if (!existsSync(join(layout.mariadbData, "mysql"))) {
      await runTool(
        "/usr/bin/mariadb-install-db",
        [
          "--no-defaults",
          `--datadir=${layout.mariadbData}`,
          "--user=root",
          "--auth-root-authentication-method=socket",
          "--skip-test-db",
        ],
        { cwd: layout.state, logFile: join(layout.log, "setup.log") },
      );
    }
    await spawnService(layout, mariadbService(layout));
    started = true;
  }
  const deadline = Date.now() + timeoutMs;
  while (!(await tcpAnswers("127.0.0.1", OPENSTACK_PORTS.mariadb))) {
    if (!(await serviceRunning(layout, "mariadb")))
      throw new IntentopsError(
        "E_SANDBOX_START",
        `openstack sandbox: mariadbd exited; see ${join(layout.log, "mariadb.log")}`,
      );
    if (Date.now() > deadline)
      throw new IntentopsError("E_SANDBOX_TIMEOUT", "openstack sandbox: mariadb not ready in time");
    await new Promise((r) => setTimeout(r, 250));
  }
  return started;
}
