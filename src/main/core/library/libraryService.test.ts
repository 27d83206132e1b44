import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { fixtureModel } from '../../testing/fixtureModels';
import { LibraryService } from './libraryService';

let modelsDir: string;
beforeEach(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'hearth-library-'));
});
afterEach(() => rm(modelsDir, { recursive: true, force: true }));

describe('LibraryService', () => {
  it('returns an empty list for a missing folder', async () => {
    await expect(new LibraryService(join(modelsDir, 'nope'), silentLogger).listModels()).resolves.toEqual([]);
  });

  it('lists split GGUF files once, under their first part, with the size of all parts', async () => {
    const repo = join(modelsDir, 'pub', 'big-GGUF');
    await mkdir(repo, { recursive: true });
    await writeFile(join(repo, 'big-00001-of-00002.gguf'), Buffer.alloc(1000));
    await writeFile(join(repo, 'big-00002-of-00002.gguf'), Buffer.alloc(2500));
    await writeFile(join(repo, 'README.md'), 'not a model');
    const models = await new LibraryService(modelsDir, silentLogger).listModels();
    expect(models.map((m) => m.id)).toEqual(['pub/big-GGUF/big-00001-of-00002.gguf']);
    expect(models[0]!.sizeBytes).toBe(3500);
  });

  it('re-reads a file only when it changed', async () => {
    const library = new LibraryService(modelsDir, silentLogger);
    const path = join(modelsDir, 'm.gguf');
    await writeFile(path, 'garbage');
    expect((await library.listModels())[0]!.status).toBe('unreadable');
    await copyFile(await fixtureModel({ preset: 'tiny', type: 'Q8_0' }), path);
    const [model] = await library.listModels();
    expect(model!.status).toBe('ok');
    expect(model!.metadata?.quantization).toBe('Q8_0');
  });
});
