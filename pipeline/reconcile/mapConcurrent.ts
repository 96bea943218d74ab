/**
 * Bounded concurrency that keeps order: `limit` workers take the next index and write the result into
 * that index's slot, so output order is input order however requests interleave.
 */

/** @example await mapConcurrent([1, 2, 3], 2, async (n) => n * 2) // [2, 4, 6] */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
