/**
 * A crash switch for the OpenStack crash tests, off unless `INTENTOPS_TEST_OPENSTACK_CRASH_AT` is set to a
 * saga checkpoint: `before:<step id>` (the step is journalled as started, nothing sent yet),
 * `after-request:<step id>` (the create request returned, its id not yet journalled) or `after:<step id>`
 * (the step is journalled as done), e.g. `after-request:create Server/shop-web-0`.
 *
 * SIGKILL, not an exception: nothing gets to clean up, flush or journal, as with `kill -9` or a power cut.
 */

export function crashHook(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ((point: string) => void) | undefined {
  const at = env["INTENTOPS_TEST_OPENSTACK_CRASH_AT"];
  if (!at) return undefined;
  return (point) => {
    if (point === at) process.kill(process.pid, "SIGKILL");
  };
}
