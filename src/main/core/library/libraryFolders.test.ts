import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { silentLogger } from '../logging/logger';
import { LibraryFolders } from './libraryFolders';
import { LibraryService } from './libraryService';
import { tempLibrary, writeSmallGguf } from './testing/libraryFixtures';

let t: Awaited<ReturnType<typeof tempLibrary>> | undefined;
afterEach(() => t?.cleanup());

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return { code: (error as AppError).code, message: (error as AppError).message };
}

describe('library folders', () => {
  it('suggests LM Studio folders (new and old place) and the Hugging Face cache found in a fake home', async () => {
    t = await tempLibrary();
    await mkdir(join(t.home, '.lmstudio', 'models', 'pub', 'r-GGUF'), { recursive: true });
    await writeSmallGguf(join(t.home, '.lmstudio', 'models', 'pub', 'r-GGUF', 'a.gguf'));
    await mkdir(join(t.home, '.cache', 'lm-studio', 'models'), { recursive: true });
    await mkdir(join(t.home, '.cache', 'huggingface', 'hub'), { recursive: true });
    const folders = await t.library.listFolders();
    expect(folders).toEqual([
      { path: t.modelsDir, kind: 'models', added: true, exists: true, modelCount: 0 },
      { path: join(t.home, '.lmstudio', 'models'), kind: 'lmstudio', added: false, exists: true, modelCount: 1 },
      { path: join(t.home, '.cache', 'lm-studio', 'models'), kind: 'lmstudio', added: false, exists: true, modelCount: 0 },
      { path: join(t.home, '.cache', 'huggingface', 'hub'), kind: 'hf-cache', added: false, exists: true, modelCount: 0 },
    ]);
  });

  it('finds the Hugging Face cache through HF_HOME and HF_HUB_CACHE, and suggests nothing that is absent', async () => {
    t = await tempLibrary({ env: { HF_HOME: '/nowhere/hf' } });
    expect((await t.library.listFolders()).map((f) => f.kind)).toEqual(['models']);
    const hfHome = join(t.root, 'hfhome');
    const hubCache = join(t.root, 'hubcache');
    await mkdir(join(hfHome, 'hub'), { recursive: true });
    await mkdir(hubCache, { recursive: true });
    const suggested = async (env: Record<string, string>) =>
      (await tempLibraryWithEnv(env, t!).library.listFolders()).filter((f) => f.kind === 'hf-cache').map((f) => f.path);
    expect(await suggested({ HF_HOME: hfHome })).toEqual([join(hfHome, 'hub')]);
    expect(await suggested({ HF_HOME: hfHome, HF_HUB_CACHE: hubCache })).toEqual([hubCache]);
  });

  it('adds and removes a folder, emits library.changed, and never deletes its files', async () => {
    t = await tempLibrary();
    const lms = join(t.home, '.lmstudio', 'models');
    await writeSmallGguf(join(lms, 'p', 'r-GGUF', 'a.gguf'));
    const added = await t.library.addFolder(lms);
    expect(added).toEqual({ path: lms, kind: 'lmstudio', added: true, exists: true, modelCount: 1 });
    expect(t.changes).toEqual([`folder added: ${lms}`]);
    // Once added it is no longer a suggestion.
    expect((await t.library.listFolders()).filter((f) => f.path === lms)).toHaveLength(1);
    const removed = await t.library.removeFolder(lms);
    expect(removed).toMatchObject({ path: lms, added: false, exists: true });
    expect(t.changes).toEqual([`folder added: ${lms}`, `folder removed: ${lms}`]);
    expect(await readdir(join(lms, 'p', 'r-GGUF'))).toEqual(['a.gguf']);
    expect(await t.library.listModels()).toEqual([]);
    expect((await refusal(t.library.removeFolder(lms))).code).toBe('NOT_FOUND');
  });

  it('refuses relative, missing, file, models-folder, duplicate and nested paths', async () => {
    t = await tempLibrary();
    const a = join(t.root, 'a');
    await mkdir(join(a, 'inner'), { recursive: true });
    await mkdir(join(t.modelsDir, 'sub'), { recursive: true });
    await writeFile(join(t.root, 'file.gguf'), 'x');
    await t.library.addFolder(a);
    const cases: Array<[string, string, RegExp]> = [
      ['relative/path', 'BAD_REQUEST', /not an absolute path/],
      [join(t.root, 'missing'), 'NOT_FOUND', /no folder/],
      [join(t.root, 'file.gguf'), 'BAD_REQUEST', /a file, not a folder/],
      [t.modelsDir, 'BAD_REQUEST', /is the models folder/],
      [join(t.modelsDir, 'sub'), 'BAD_REQUEST', /inside the models folder/],
      [t.root, 'BAD_REQUEST', /contains the models folder/],
      [`${a}/`, 'BAD_REQUEST', /already in the library/],
      [join(a, 'inner'), 'BAD_REQUEST', /inside the library folder/],
    ];
    for (const [path, code, message] of cases) {
      const error = await refusal(t.library.addFolder(path));
      expect([path, error.code]).toEqual([path, code]);
      expect(error.message).toMatch(message);
    }
    expect((await refusal(t.library.removeFolder(t.modelsDir))).message).toMatch(/always part of the library/);
    expect(t.changes).toEqual([`folder added: ${a}`]);
  });

  it('lets only one of two concurrent adds of the same folder through', async () => {
    t = await tempLibrary();
    const a = join(t.root, 'a');
    await mkdir(a);
    const results = await Promise.allSettled([t.library.addFolder(a), t.library.addFolder(a)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await t.settings.get('library')).folders).toHaveLength(1);
  });

  it('takes a Hugging Face home as its hub folder', async () => {
    t = await tempLibrary();
    const hfHome = join(t.root, 'hf');
    await mkdir(join(hfHome, 'hub', 'models--o--r', 'snapshots'), { recursive: true });
    expect(await t.library.addFolder(hfHome)).toMatchObject({ path: join(hfHome, 'hub'), kind: 'hf-cache' });
    await t.library.removeFolder(hfHome);
    expect((await t.settings.get('library')).folders).toEqual([]);
  });
});

function tempLibraryWithEnv(env: Record<string, string>, base: NonNullable<typeof t>) {
  const folders = new LibraryFolders(base.modelsDir, base.settings, { homeDir: base.home, env });
  return { library: new LibraryService(base.modelsDir, silentLogger, { folders }) };
}
