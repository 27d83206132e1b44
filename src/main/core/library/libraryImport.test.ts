import { existsSync, statSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { fixtureModel } from '../../testing/fixtureModels';
import { importTarget } from './modelImport';
import { tempLibrary, writeSmallGguf, writeSplitModel } from './testing/libraryFixtures';

let t: Awaited<ReturnType<typeof tempLibrary>>;
let downloads: string;
beforeEach(async () => {
  t = await tempLibrary();
  downloads = join(t.root, 'Downloads');
  await mkdir(downloads);
});
afterEach(() => t.cleanup());

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Every file under `dir`, relative, including hidden ones (temp files must not be left). */
async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('importTarget', () => {
  it('keeps publisher/repo from the Hugging Face cache and GGUF repo folders, else uses imported/', () => {
    expect(importTarget('/h/hub/models--Qwen--Q-GGUF/snapshots/abc/sub/q.gguf')).toBe('Qwen/Q-GGUF/q.gguf');
    expect(importTarget('/home/u/.lmstudio/models/lmstudio-community/Phi-GGUF/phi.gguf')).toBe('lmstudio-community/Phi-GGUF/phi.gguf');
    expect(importTarget('/home/u/Downloads/phi.gguf')).toBe('imported/phi.gguf');
  });
});

describe('LibraryService.importModel', () => {
  it('copies a checked file into imported/, keeps the original, leaves no temp file and emits library.changed', async () => {
    const source = join(downloads, 'tiny.gguf');
    await copyFile(await fixtureModel({ preset: 'tiny', type: 'Q8_0' }), source);
    const model = await t.library.importModel({ path: source, mode: 'copy' });
    expect(model).toMatchObject({ id: 'imported/tiny.gguf', status: 'ok', folder: { kind: 'models' }, metadata: { quantization: 'Q8_0' } });
    expect(existsSync(source)).toBe(true);
    expect(await allFiles(t.modelsDir)).toEqual(['imported/tiny.gguf']);
    expect(t.changes).toEqual([`imported ${join(t.modelsDir, 'imported', 'tiny.gguf')}`]);
  });

  it('moves a file, removing the original', async () => {
    const source = await writeSmallGguf(join(downloads, 'm.gguf'));
    const model = await t.library.importModel({ path: source, mode: 'move' });
    expect(model.id).toBe('imported/m.gguf');
    expect(existsSync(source)).toBe(false);
  });

  it('links a file: the models folder holds a link to the original', async () => {
    const source = await writeSmallGguf(join(downloads, 'm.gguf'), { license: 'mit' });
    const model = await t.library.importModel({ path: source, mode: 'link' });
    expect(model).toMatchObject({ id: 'imported/m.gguf', status: 'ok', metadata: { license: 'mit' } });
    expect((await lstat(model.path)).isSymbolicLink()).toBe(true);
    expect(await readlink(model.path)).toBe(source);
  });

  it.each(['copy', 'move', 'link'] as const)('%s brings every part of a split model, into publisher/repo', async (mode) => {
    const parts = await writeSplitModel(join(t.root, 'other', 'pub', 'big-GGUF'), 'big', 3);
    const model = await t.library.importModel({ path: parts[0]!, mode });
    expect(model).toMatchObject({ id: 'pub/big-GGUF/big-00001-of-00003.gguf', status: 'ok', metadata: { parameterCount: 64 + 128 + 192 } });
    expect(await readdir(join(t.modelsDir, 'pub', 'big-GGUF'))).toEqual(['big-00001-of-00003.gguf', 'big-00002-of-00003.gguf', 'big-00003-of-00003.gguf']);
    expect(parts.map((p) => existsSync(p))).toEqual(mode === 'move' ? [false, false, false] : [true, true, true]);
  });

  it('refuses a damaged or non-GGUF file with the reason, writing nothing', async () => {
    const garbage = join(downloads, 'garbage.gguf');
    await writeFile(garbage, 'this is not a GGUF file\n'.repeat(20));
    const truncated = join(downloads, 'cut.gguf');
    await writeFile(truncated, (await readFile(await fixtureModel({ preset: 'tiny', type: 'Q4_0' }))).subarray(0, 4000));
    for (const mode of ['copy', 'move', 'link'] as const) {
      const error = await refusal(t.library.importModel({ path: garbage, mode }));
      expect(error.code).toBe('MODEL_UNREADABLE');
      expect(error.message).toMatch(/^Not imported: garbage\.gguf: not a GGUF file/);
    }
    expect((await refusal(t.library.importModel({ path: truncated, mode: 'copy' }))).message).toMatch(/damaged/);
    expect(await allFiles(t.modelsDir)).toEqual([]);
    expect(existsSync(garbage)).toBe(true);
    expect(t.changes).toEqual([]);
  });

  it('refuses to overwrite, a later part, a missing part, a folder, and a file already in the models folder', async () => {
    const first = await writeSmallGguf(join(downloads, 'm.gguf'), { values: 64 });
    await t.library.importModel({ path: first, mode: 'copy' });
    const other = await writeSmallGguf(join(t.root, 'elsewhere', 'm.gguf'), { values: 128 });
    const before = await readFile(join(t.modelsDir, 'imported', 'm.gguf'));
    for (const mode of ['copy', 'move', 'link'] as const) {
      expect((await refusal(t.library.importModel({ path: other, mode }))).message).toMatch(/imported\/m\.gguf exists in the models folder already/);
    }
    expect(await readFile(join(t.modelsDir, 'imported', 'm.gguf'))).toEqual(before);
    expect(existsSync(other)).toBe(true);

    const parts = await writeSplitModel(join(downloads, 'split'), 'x', 2);
    expect((await refusal(t.library.importModel({ path: parts[1]!, mode: 'copy' }))).message).toMatch(/part 2 of 2 .* import part 1/);
    await rm(parts[1]!);
    expect((await refusal(t.library.importModel({ path: parts[0]!, mode: 'copy' }))).message).toMatch(/x-00002-of-00002\.gguf .* missing/);
    expect((await refusal(t.library.importModel({ path: downloads, mode: 'copy' }))).message).toMatch(/is a folder/);
    expect((await refusal(t.library.importModel({ path: join(t.modelsDir, 'imported', 'm.gguf'), mode: 'copy' }))).message).toMatch(/in the models folder already/);
    expect((await refusal(t.library.importModel({ path: join(downloads, 'nope.gguf'), mode: 'copy' }))).code).toBe('NOT_FOUND');
    expect(await allFiles(t.modelsDir)).toEqual(['imported/m.gguf']);
  });

  it('runs two imports of one file at once: one succeeds, the other is refused, no half file', async () => {
    // 2 MB: both calls check the file, then race for the name.
    const source = await writeSmallGguf(join(downloads, 'tiny.gguf'), { values: 500_000 });
    const results = await Promise.allSettled([t.library.importModel({ path: source, mode: 'copy' }), t.library.importModel({ path: source, mode: 'copy' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failure = results.find((r) => r.status === 'rejected')!.reason as AppError;
    expect(failure.message).toMatch(/being written by another operation|exists in the models folder already/);
    expect(await allFiles(t.modelsDir)).toEqual(['imported/tiny.gguf']);
    // Buffer.equals: a deep toEqual over megabytes takes minutes.
    expect((await readFile(join(t.modelsDir, 'imported', 'tiny.gguf'))).equals(await readFile(source))).toBe(true);
  });

  it('copies from the Hugging Face cache into owner/repo, but never moves out of it or links what is listed already', async () => {
    const hub = join(t.root, 'hub');
    const snapshot = join(hub, 'models--Qwen--S-GGUF', 'snapshots', 'rev');
    const source = await writeSmallGguf(join(snapshot, 's.gguf'));
    await t.library.addFolder(hub);
    expect((await refusal(t.library.importModel({ path: source, mode: 'move' }))).message).toMatch(/shared with other tools/);
    expect((await refusal(t.library.importModel({ path: source, mode: 'link' }))).message).toMatch(/listed from .* already/);
    expect((await t.library.importModel({ path: source, mode: 'copy' })).id).toBe('Qwen/S-GGUF/s.gguf');
  });

  const otherFs = (() => {
    try {
      return statSync('/dev/shm').dev !== statSync(tmpdir()).dev;
    } catch {
      return false;
    }
  })();
  it.skipIf(!otherFs)('moves across file systems by copying, then deleting the original', async () => {
    const shm = await mkdtemp('/dev/shm/hearth-import-');
    try {
      const parts = await writeSplitModel(shm, 'far', 2);
      const model = await t.library.importModel({ path: parts[0]!, mode: 'move' });
      expect(model).toMatchObject({ id: 'imported/far-00001-of-00002.gguf', status: 'ok' });
      expect(await readdir(shm)).toEqual([]);
      expect(await allFiles(t.modelsDir)).toEqual(['imported/far-00001-of-00002.gguf', 'imported/far-00002-of-00002.gguf']);
    } finally {
      await rm(shm, { recursive: true, force: true });
    }
  });
});
