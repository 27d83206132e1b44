import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServerLog } from './serverLog';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-mcp-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('ServerLog', () => {
  it('masks secrets, keeps a tail, and stays bounded by rotating to .1', async () => {
    const path = join(dir, 'logs', 'mcp', 's.log');
    const log = new ServerLog(path, () => ['tok-123456', 'ab'], 1_000);
    log.write('token is tok-123456; ab stays\n');
    await log.flushed();
    expect(await readFile(path, 'utf8')).toBe('token is ***; ab stays\n');
    expect(log.tail()).toBe('token is ***; ab stays');
    // A secret split across two reads of stderr is masked too.
    log.write('again tok-12');
    log.write('3456 here\n');
    await log.flushed();
    expect(await readFile(path, 'utf8')).toBe('token is ***; ab stays\nagain *** here\n');
    for (let i = 0; i < 30; i++) log.write(`${String(i).padStart(2, '0')} ${'x'.repeat(96)}\n`);
    await log.flushed();
    expect((await stat(path)).size).toBeLessThanOrEqual(1_000);
    expect((await stat(`${path}.1`)).size).toBeLessThanOrEqual(1_000);
    expect(await readFile(path, 'utf8')).toContain('29 xxx');
    // One burst larger than the cap keeps its end only.
    log.write(`${'y'.repeat(3_000)}END\n`);
    await log.flushed();
    const last = await readFile(path, 'utf8');
    expect(last.length).toBeLessThanOrEqual(1_000);
    expect(last.endsWith('END\n')).toBe(true);
  });
});
