/**
 * createGate: at most `places` holders at once, the others waiting in order (p-queue); a wait can be
 * given up through an AbortSignal, which takes the waiter out of the line.
 */
import PQueue from "p-queue";

export interface Gate {
  /**
   * Resolves with `leave` once a place is free (call it exactly when done; later calls do nothing);
   * rejects with the signal's reason when `signal` aborts first.
   */
  enter(signal?: AbortSignal): Promise<() => void>;
  /** Holders now, and waiters in line. */
  readonly holders: number;
  readonly waiting: number;
}

/** @example const gate = createGate(2); const leave = await gate.enter(signal); try { … } finally { leave(); } */
export function createGate(places: number): Gate {
  const line = new PQueue({ concurrency: places });
  return {
    enter(signal) {
      return new Promise<() => void>((entered, refused) => {
        line
          .add(() => new Promise<void>((leave) => entered(() => leave())), signal ? { signal } : {})
          .catch(refused);
      });
    },
    get holders() {
      return line.pending;
    },
    get waiting() {
      return line.size;
    },
  };
}
