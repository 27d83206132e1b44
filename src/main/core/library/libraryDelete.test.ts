import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { tempLibrary, writeSmallGguf, writeSplitModel } from './testing/libraryFixtures';

let t: Awaited<ReturnType<typeof tempLibrary>>;
beforeEach(async () => {
  t = await tempLibrary();
});
afterEach(() => t.cleanup());

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('LibraryService.deleteModel', () => {
  it('deletes a single file, returns its path, removes the emptied publisher/repo folders and emits library.changed', async () => {
    const path = await writeSmallGguf(join(t.modelsDir, 'pub', 'r-GGUF', 'm.gguf'));
    await writeSmallGguf(join(t.modelsDir, 'pub', 'other-GGUF', 'o.gguf'));
    await expect(t.library.deleteModel('pub/r-GGUF/m.gguf')).resolves.toEqual({ deleted: [path] });
    expect(await readdir(join(t.modelsDir, 'pub'))).toEqual(['other-GGUF']);
    expect(existsSync(t.modelsDir)).toBe(true);
    expect(t.changes).toEqual(['deleted pub/r-GGUF/m.gguf']);
    expect((await t.library.listModels()).map((m) => m.id)).toEqual(['pub/other-GGUF/o.gguf']);
  });

  it('deletes every part of a split model and keeps a folder that still holds other files', async () => {
    const parts = await writeSplitModel(join(t.modelsDir, 'pub', 'big-GGUF'), 'big', 3);
    await writeFile(join(t.modelsDir, 'pub', 'big-GGUF', 'README.md'), 'keep me');
    const { deleted } = await t.library.deleteModel('pub/big-GGUF/big-00001-of-00003.gguf');
    expect(deleted).toEqual(parts);
    expect(await readdir(join(t.modelsDir, 'pub', 'big-GGUF'))).toEqual(['README.md']);
  });

  it('deletes an unreadable file (what a user most wants gone)', async () => {
    await mkdir(join(t.modelsDir, 'broken'));
    await writeFile(join(t.modelsDir, 'broken', 'garbage.gguf'), 'not a model');
    await expect(t.library.deleteModel('broken/garbage.gguf')).resolves.toEqual({ deleted: [join(t.modelsDir, 'broken', 'garbage.gguf')] });
    expect(await readdir(t.modelsDir)).toEqual([]);
  });

  it('deletes only the link of a linked import, never its target', async () => {
    const target = await writeSmallGguf(join(t.root, 'Downloads', 'm.gguf'));
    const model = await t.library.importModel({ path: target, mode: 'link' });
    await expect(t.library.deleteModel(model.id)).resolves.toEqual({ deleted: [model.path] });
    expect(existsSync(target)).toBe(true);
  });

  it('deletes a model of an added folder but leaves that folder layout alone', async () => {
    const lms = join(t.home, '.lmstudio', 'models');
    const path = await writeSmallGguf(join(lms, 'pub', 'r-GGUF', 'm.gguf'));
    await t.library.addFolder(lms);
    const [model] = await t.library.listModels();
    await expect(t.library.deleteModel(model!.id)).resolves.toEqual({ deleted: [path] });
    expect(await readdir(join(lms, 'pub', 'r-GGUF'))).toEqual([]);
  });

  it('refuses the Hugging Face cache, pointing at huggingface-cli', async () => {
    const hub = join(t.root, 'hub');
    const repo = join(hub, 'models--o--r-GGUF');
    const blob = await writeSmallGguf(join(repo, 'blobs', 'abc'));
    await mkdir(join(repo, 'snapshots', 'rev'), { recursive: true });
    await symlink(blob, join(repo, 'snapshots', 'rev', 'm.gguf'));
    await t.library.addFolder(hub);
    const [model] = await t.library.listModels();
    const error = await refusal(t.library.deleteModel(model!.id));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/huggingface-cli delete-cache/);
    expect(existsSync(blob) && existsSync(join(repo, 'snapshots', 'rev', 'm.gguf'))).toBe(true);
  });

  it('refuses the loaded model (BUSY, unload it first) and an unknown id', async () => {
    const path = await writeSmallGguf(join(t.modelsDir, 'm.gguf'));
    t.state.loaded = 'm.gguf';
    const error = await refusal(t.library.deleteModel('m.gguf'));
    expect([error.code, error.message]).toEqual(['BUSY', '"m.gguf" is loaded; unload it first.']);
    expect(existsSync(path)).toBe(true);
    expect((await refusal(t.library.deleteModel('nope.gguf'))).code).toBe('NOT_FOUND');
    expect(t.changes).toEqual([]);
  });

  it('lets one of two deletes of one model at once win; the other is refused', async () => {
    await writeSmallGguf(join(t.modelsDir, 'm.gguf'));
    const results = await Promise.allSettled([t.library.deleteModel('m.gguf'), t.library.deleteModel('m.gguf')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await readdir(t.modelsDir)).toEqual([]);
  });
});
