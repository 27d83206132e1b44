import { createHash } from 'node:crypto';
import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';

/**
 * A stable id for this machine, so benchmarks kept in a data folder that moves (a synced or copied
 * profile) are never applied to another computer: OS, CPU model, logical cores and RAM (whole GB,
 * so a firmware reserving a little more memory after an update does not forget the results).
 */
export function machineKey(): { key: string; description: string } {
  const cpu = cpus()[0]?.model.trim() || 'unknown CPU';
  const ramGb = Math.round(totalmem() / 1e9);
  const description = `${platform()}-${arch()} · ${cpu} · ${availableParallelism()} threads · ${ramGb} GB`;
  return { key: createHash('sha256').update(description).digest('hex').slice(0, 16), description };
}
