/**
 * `stopOpenStack`: stops every sandbox process of a state directory (idempotent: a stopped sandbox stays
 * stopped, and a half-started one is stopped as far as it got). The state directory is kept unless
 * `removeState` is set, so the next start skips the database setup.
 */
import { rm } from "node:fs/promises";
import { SERVICE_NAMES } from "./openStackServices.js";
import { sandboxLayout } from "./sandboxLayout.js";
import { stopService } from "./serviceProcesses.js";

/** @returns the services that were running, sorted */
export async function stopOpenStack(
  options: { state?: string; removeState?: boolean } = {},
): Promise<string[]> {
  const layout = sandboxLayout(options.state);
  const stopped: string[] = [];
  // The API and worker services together (each may take ~20 s to exit), then Keystone, RabbitMQ, epmd and
  // the database last.
  const [mariadb, epmd, rabbit, keystone, ...rest] = SERVICE_NAMES;
  const results = await Promise.all(rest.map((name) => stopService(layout, name)));
  rest.forEach((name, i) => {
    if (results[i]) stopped.push(name);
  });
  for (const name of [keystone, rabbit, epmd, mariadb])
    if (await stopService(layout, name)) stopped.push(name);
  if (options.removeState) await rm(layout.state, { recursive: true, force: true });
  return stopped.sort();
}
