import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiRequestLogEntry } from '../../../shared/serverDto';
import { silentLogger } from '../logging/logger';
import { RequestLog } from './requestLog';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'hearth-apilog-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const entry = (i: number): Omit<ApiRequestLogEntry, 'id'> => ({ time: new Date(0).toISOString(), method: 'POST', path: `/v1/chat/completions`, model: `m${i}`, status: 200, durationMs: i });

describe('RequestLog', () => {
  it('keeps the newest entries in memory, pages by id, and tells listeners', async () => {
    const seen: number[] = [];
    const log = new RequestLog({ file: join(dir, 'logs', 'api.jsonl'), logger: silentLogger, maxEntries: 3, onEntry: (e) => seen.push(e.id) });
    for (let i = 0; i < 5; i++) log.add(entry(i));
    expect(log.list().map((e) => e.id)).toEqual([3, 4, 5]);
    expect(log.list({ afterId: 4 }).map((e) => e.id)).toEqual([5]);
    expect(log.list({ limit: 1 }).map((e) => e.id)).toEqual([5]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    await log.flush();
    const lines = (await readFile(join(dir, 'logs', 'api.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as ApiRequestLogEntry).id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('rotates the file at its size bound, keeping one older file', async () => {
    const file = join(dir, 'api.jsonl');
    const log = new RequestLog({ file, logger: silentLogger, maxFileBytes: 1_000 });
    for (let i = 0; i < 40; i++) log.add(entry(i));
    await log.flush();
    expect((await stat(file)).size).toBeLessThanOrEqual(1_000);
    expect((await stat(`${file}.1`)).size).toBeLessThanOrEqual(1_000);
    const last = (await readFile(file, 'utf8')).trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ id: 40 });
  });
});
