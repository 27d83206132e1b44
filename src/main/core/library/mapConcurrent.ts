/**
 * `items.map(work)` with at most `limit` calls of `work` in flight, results in input order.
 * Each call holds a file handle and a read buffer, so the limit bounds open files and memory
 * however many items there are. Rejects with the first error (callers that must not fail
 * catch inside `work`).
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    // `next++` runs synchronously between awaits, so no two workers take the same index.
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
