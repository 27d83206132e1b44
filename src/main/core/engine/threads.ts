import { availableParallelism } from 'node:os';

/**
 * Default generation threads. Measured on 2-core machines (see `npm run bench`): node-llama-cpp
 * generates about twice as fast with 1 thread as with 2, because its compute threads are created
 * per token and compete with the JavaScript thread. So small machines get 1 thread; larger ones
 * leave one core for the app and stay within 8 (beyond that memory bandwidth, not compute, limits
 * generation). The user can override it (`--threads`, `HEARTH_THREADS`, load settings).
 */
export function defaultThreads(cores = availableParallelism()): number {
  if (cores <= 2) return 1;
  return Math.min(8, cores - 1);
}
