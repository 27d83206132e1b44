import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../shared/dto';
import { silentLogger } from '../logging/logger';
import { LoadMemoryLog } from './loadMemoryLog';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-loadmem-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function loaded(i: number): LoadedModel {
  return {
    modelId: `m${i}.gguf`,
    name: 'M',
    settings: { contextSize: 4096, threads: 1, parallel: 2, gpuLayers: 0, flashAttention: true, kvCacheType: 'f16', batchSize: 512, mmap: true },
    loadMs: 10,
    loadedAt: new Date(0).toISOString(),
    modelBytes: 1000,
    memory: { predicted: { ramBytes: 100, vramBytes: 0 }, measured: { ramBytes: 110 + i, vramBytes: 0 }, errorPercent: 10 + i },
  };
}

describe('LoadMemoryLog', () => {
  it('keeps each load as one line, skips damaged lines, and stays bounded', async () => {
    const path = join(dir, 'diagnostics', 'load-memory.jsonl');
    const log = new LoadMemoryLog(path, silentLogger);
    await log.record(loaded(0));
    await log.record({ ...loaded(1), memory: undefined });
    await writeFile(path, (await readFile(path, 'utf8')) + '{"cut short\n');
    await log.record(loaded(2));
    const records = await log.read();
    expect(records.map((r) => r.modelId)).toEqual(['m0.gguf', 'm2.gguf']);
    expect(records[1]).toMatchObject({ contextSize: 4096, parallel: 2, errorPercent: 12, measured: { ramBytes: 112 } });
    for (let i = 3; i < 1_003; i++) await log.record(loaded(i));
    const kept = await log.read();
    expect(kept.length).toBeLessThanOrEqual(1_000);
    expect(kept.at(-1)?.modelId).toBe('m1002.gguf');
  });
});
