/**
 * Process hygiene for the speed benches: a server is only gone when every process it started is
 * gone, and a measurement only starts when the machine is idle. On a 2-core machine one leftover
 * engine process spinning on a core halves the next server's speed, and nothing else would show it.
 * Linux only (reads /proc); elsewhere these are no-ops that report nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Parent pid of `pid` from /proc/<pid>/stat (the field after the parenthesised name), or undefined. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every process below `root` (children, grandchildren…), e.g. Hearth's engine process under `hearth serve`. */
export function descendants(root: number): number[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill(0) but uses no CPU; /proc tells them apart.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until all `pids` have exited; SIGKILLs what is left after `timeoutMs`. Returns the pids it had to kill. */
export async function waitGone(pids: number[], timeoutMs = 15_000): Promise<number[]> {
  const until = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < until) await sleep(100);
  const left = pids.filter(alive);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited in between.
    }
  }
  while (pids.some(alive) && Date.now() < until + 5_000) await sleep(100);
  return left;
}

function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * Waits until the whole machine is idle (busy ≤ `maxBusy` of all cores over a `windowMs` sample), so
 * no earlier process or spinning thread competes with the next measurement. Returns the last busy
 * fraction seen; a value above `maxBusy` means it gave up after `timeoutMs` (the caller reports it).
 */
export async function waitCpuIdle(options: { maxBusy?: number; windowMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const { maxBusy = 0.15, windowMs = 300, timeoutMs = 15_000 } = options;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const before = cpuTimes();
    await sleep(windowMs);
    const after = cpuTimes();
    if (!before || !after || after.total === before.total) return 0;
    const busy = (after.busy - before.busy) / (after.total - before.total);
    if (busy <= maxBusy || Date.now() > until) return busy;
  }
}
