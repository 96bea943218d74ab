/**
 * coalesce: single flight with one follower, for work whose one run covers every caller that asked before
 * it started (a push sends everything recorded so far).
 */

/**
 * `request()` while `work` runs waits for one more run of `work`, started after the current one ends (so it
 * covers what the caller did before asking) and shared by every caller that asked meanwhile: n callers
 * during a run cost two runs, not n. A failed run fails the callers it was shared by.
 * @example const pushes = coalesce(() => push()); await pushes.request();
 */
export function coalesce(work: () => Promise<void>): { request(): Promise<void> } {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const current = work().finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  };
  return {
    request() {
      if (!running) return start();
      queued ??= running
        .catch(() => undefined)
        .then(() => {
          queued = null;
          return start();
        });
      return queued;
    },
  };
}
