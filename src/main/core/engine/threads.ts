import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Default generation threads: every physical core, as llama.cpp itself does. Measured on 2-core
 * machines (`npm run bench`, README "Engine speed"): with the engine process's libuv pool at one
 * thread (`ENGINE_PROCESS_ENV`), 2 threads generate faster than 1 on both the 135M- and the
 * 1B-shaped model. Hyper-threads are not counted: two ggml threads on one core's siblings fight
 * over the same execution units. The user can override it (`--threads`, `HEARTH_THREADS`, load
 * settings).
 */
export function defaultThreads(cores = physicalCores()): number {
  return Math.max(1, cores);
}

/**
 * Physical CPU cores. On Linux from sysfs (distinct package/core id pairs of the online CPUs); where
 * that cannot be read (other systems, containers hiding sysfs) the logical count, which is the same
 * on machines without SMT and on Apple silicon, and at most twice too many elsewhere.
 */
export function physicalCores(sysCpuDir = '/sys/devices/system/cpu'): number {
  const logical = availableParallelism();
  if (process.platform !== 'linux') return logical;
  try {
    const cores = new Set<string>();
    for (const entry of readdirSync(sysCpuDir)) {
      if (!/^cpu\d+$/.test(entry)) continue;
      const topology = `${sysCpuDir}/${entry}/topology`;
      const read = (name: string) => readFileSync(`${topology}/${name}`, 'utf8').trim();
      try {
        cores.add(`${read('physical_package_id')}:${read('core_id')}`);
      } catch {
        // An offline CPU has no topology: it is not one we can run on.
      }
    }
    // Never more than the process may use (a cgroup or affinity limit), never zero.
    return cores.size > 0 ? Math.min(cores.size, logical) : logical;
  } catch {
    return logical;
  }
}
