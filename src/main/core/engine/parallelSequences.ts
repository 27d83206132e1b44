/**
 * How many replies one loaded model generates at once. Each parallel sequence holds its own
 * `contextSize` tokens of KV cache, so the count is a memory decision: as many as fit in a share of
 * the memory that is free after the weights are loaded, at most {@link MAX_AUTO_PARALLEL}, at least 1.
 *
 * Why 4: on our 2-core machines 4 lockstepped sequences give ~1.8× the tokens/s of one, 8 give
 * almost nothing more (engine-performance notes; `npm run bench` measures it), while each one costs
 * a full KV cache.
 */
export const MAX_AUTO_PARALLEL = 4;
/** Share of free RAM (and free VRAM) the KV caches of all sequences may take together. */
export const MEMORY_SHARE = 0.25;

export interface MemoryNeed {
  /** Bytes of RAM the context needs for `sequences` sequences. */
  ram: number;
  /** Bytes of VRAM the context needs for `sequences` sequences. */
  vram: number;
}

export interface ParallelChoice {
  parallel: number;
  /** One line a person understands: why this many. */
  reason: string;
}

export async function chooseParallel(options: {
  requested: number | 'auto';
  estimate: (sequences: number) => Promise<MemoryNeed>;
  freeRamBytes: number;
  /** 0 when there is no GPU or nothing is offloaded. */
  freeVramBytes: number;
}): Promise<ParallelChoice> {
  if (options.requested !== 'auto') return { parallel: options.requested, reason: 'set by the user' };
  const ramBudget = options.freeRamBytes * MEMORY_SHARE;
  const vramBudget = options.freeVramBytes * MEMORY_SHARE;
  for (let n = MAX_AUTO_PARALLEL; n > 1; n = Math.floor(n / 2)) {
    const need = await options.estimate(n);
    if (need.ram <= ramBudget && (need.vram === 0 || need.vram <= vramBudget)) {
      return { parallel: n, reason: `${n} contexts fit in a quarter of the free memory` };
    }
  }
  return { parallel: 1, reason: 'memory is tight: one reply at a time' };
}
