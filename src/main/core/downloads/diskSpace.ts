import { statfs } from 'node:fs/promises';

/** Bytes an unprivileged process may still write on the file system holding `dir` (blocks available × block size). */
export async function freeDiskBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}

/** `1.5 GB`-style size for messages, in decimal units like the Hub and file managers show. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
