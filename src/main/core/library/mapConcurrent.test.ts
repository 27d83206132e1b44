import { expect, it } from 'vitest';
import { mapConcurrent } from './mapConcurrent';

it('keeps input order and never runs more than the limit at once', async () => {
  let running = 0;
  let peak = 0;
  const results = await mapConcurrent([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, n));
    running--;
    return n * 10;
  });
  expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
  expect(peak).toBe(3);
  await expect(mapConcurrent([], 4, async () => 1)).resolves.toEqual([]);
});
