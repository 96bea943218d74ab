/**
 * Cancellation helpers shared by the shell: a phase attempt's `AbortSignal` reaches every wait and request
 * through these, so an aborted attempt stops at its next wait instead of running on beside its retry.
 */

/** `sleep`, ending early with the signal's reason when the signal fires. */
export function abortableSleep(
  sleep: (ms: number) => Promise<void>,
  signal: AbortSignal | undefined,
): (ms: number) => Promise<void> {
  if (!signal) return sleep;
  return (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      sleep(ms).then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, reject);
    });
}

/** `fetch` whose requests are also aborted by `signal`. */
export function abortableFetch(fetchFn: typeof fetch, signal: AbortSignal | undefined): typeof fetch {
  if (!signal) return fetchFn;
  return (input, init) =>
    fetchFn(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}
