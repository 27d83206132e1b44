import { copyFile, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../testing/fixtureModels';
import { silentLogger } from '../logging/logger';
import { SettingsStore } from '../settings/settingsStore';
import { LibraryFolders } from './libraryFolders';
import { LibraryService } from './libraryService';
import { tempLibrary, writeSmallGguf, writeSplitModel } from './testing/libraryFixtures';

let t: Awaited<ReturnType<typeof tempLibrary>>;
beforeEach(async () => {
  t = await tempLibrary();
});
afterEach(() => t.cleanup());

/** Builds `models--owner--repo` with one snapshot whose files are links into `blobs/`. */
async function hfRepo(hub: string, owner: string, repo: string, files: Record<string, string | null>, revision = 'abc123'): Promise<string> {
  const repoDir = join(hub, `models--${owner}--${repo}`);
  const snapshot = join(repoDir, 'snapshots', revision);
  await mkdir(join(repoDir, 'blobs'), { recursive: true });
  await mkdir(join(repoDir, 'refs'), { recursive: true });
  await writeFile(join(repoDir, 'refs', 'main'), revision);
  for (const [name, source] of Object.entries(files)) {
    const blob = join(repoDir, 'blobs', `blob-${name.replace('/', '_')}`);
    if (source) await copyFile(source, blob);
    const link = join(snapshot, name);
    await mkdir(dirname(link), { recursive: true });
    // Relative, as huggingface_hub makes them; a null source leaves the link dangling.
    await symlink(relative(dirname(link), blob), link);
  }
  return snapshot;
}

describe('LibraryService over several folders', () => {
  it('lists every folder with unique ids, models-folder ids unchanged, folder and licence shown', async () => {
    const tiny = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
    await mkdir(join(t.modelsDir, 'pub', 'm-GGUF'), { recursive: true });
    await copyFile(tiny, join(t.modelsDir, 'pub', 'm-GGUF', 'm.gguf'));
    const lms = join(t.home, '.lmstudio', 'models');
    await mkdir(join(lms, 'pub', 'm-GGUF'), { recursive: true });
    await copyFile(tiny, join(lms, 'pub', 'm-GGUF', 'm.gguf')); // same relative path as in the models folder
    const custom = join(t.root, 'custom');
    await writeSmallGguf(join(custom, 'licensed.gguf'), { license: 'apache-2.0' });
    await t.library.addFolder(lms);
    await t.library.addFolder(custom);

    const models = await t.library.listModels();
    const ids = models.map((m) => m.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toContain('pub/m-GGUF/m.gguf');
    const inLms = models.find((m) => m.folder?.kind === 'lmstudio')!;
    expect(inLms.id).toMatch(/^lms-[0-9a-f]{6}:pub\/m-GGUF\/m\.gguf$/);
    expect(inLms).toMatchObject({ publisher: 'pub', repo: 'm-GGUF', status: 'ok', folder: { path: lms, kind: 'lmstudio' } });
    const licensed = models.find((m) => m.fileName === 'licensed.gguf')!;
    expect(licensed.id).toMatch(/^dir-[0-9a-f]{6}:licensed\.gguf$/);
    expect(licensed.metadata?.license).toBe('apache-2.0');
    expect(models.find((m) => m.id === 'pub/m-GGUF/m.gguf')!.folder).toEqual({ path: t.modelsDir, kind: 'models' });

    // Stable: a new service over the same settings gives the same ids.
    const again = await tempLibraryIds(t);
    expect(again).toEqual([...ids].sort());
  });

  it('keeps a models-folder path that looks like an added folder id apart from it', async () => {
    const custom = join(t.root, 'custom');
    await writeSmallGguf(join(custom, 'x.gguf'));
    await t.library.addFolder(custom);
    const key = (await t.library.listModels())[0]!.id.split(':')[0]!;
    await writeSmallGguf(join(t.modelsDir, `${key}:x.gguf`));
    const ids = (await t.library.listModels()).map((m) => m.id);
    expect(ids).toEqual([`${key}:x.gguf`, `./${key}:x.gguf`].sort());
  });

  it('lists split models once in an added folder, with every part in the size', async () => {
    const custom = join(t.root, 'custom');
    await writeSplitModel(join(custom, 'pub', 'big-GGUF'), 'big', 3);
    await t.library.addFolder(custom);
    const [model, ...rest] = await t.library.listModels();
    expect(rest).toEqual([]);
    expect(model!.fileName).toBe('big-00001-of-00003.gguf');
    expect(model!.status).toBe('ok');
    expect(model!.metadata!.parameterCount).toBe(64 + 128 + 192);
  });

  it('re-reads a header in an added folder only when the file changed', async () => {
    const custom = join(t.root, 'custom');
    const path = join(custom, 'm.gguf');
    await mkdir(custom, { recursive: true });
    await writeFile(path, 'garbage');
    await t.library.addFolder(custom);
    expect((await t.library.listModels())[0]!.status).toBe('unreadable');
    await writeSmallGguf(path);
    await utimes(path, new Date(), new Date(Date.now() + 5_000));
    expect((await t.library.listModels())[0]!.status).toBe('ok');
  });

  it('reads the Hugging Face cache layout: owner/repo, links into blobs, dangling and escaping links explained', async () => {
    const hub = join(t.home, '.cache', 'huggingface', 'hub');
    const good = await writeSmallGguf(join(t.root, 'src', 'good.gguf'), { license: 'mit' });
    const outside = await writeSmallGguf(join(t.root, 'src', 'outside.gguf'));
    const snapshot = await hfRepo(hub, 'Qwen', 'Small-GGUF', { 'small-q4.gguf': good, 'sub/small-q8.gguf': good, 'gone.gguf': null });
    await symlink(outside, join(snapshot, 'escape.gguf'));
    await writeFile(join(snapshot, 'README.md'), 'readme');
    const folder = await t.library.addFolder(hub);
    expect(folder).toMatchObject({ kind: 'hf-cache', added: true, modelCount: 4 });

    const models = await t.library.listModels();
    const byFile = new Map(models.map((m) => [m.fileName, m]));
    expect(models).toHaveLength(4);
    const small = byFile.get('small-q4.gguf')!;
    expect(small.id).toMatch(/^hf-[0-9a-f]{6}:Qwen\/Small-GGUF\/small-q4\.gguf$/);
    expect(small).toMatchObject({ publisher: 'Qwen', repo: 'Small-GGUF', status: 'ok', folder: { kind: 'hf-cache' } });
    expect(small.metadata?.license).toBe('mit');
    expect(small.sizeBytes).toBeGreaterThan(100);
    expect(byFile.get('small-q8.gguf')!.id).toMatch(/:Qwen\/Small-GGUF\/sub\/small-q8\.gguf$/);
    expect(byFile.get('gone.gguf')).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/blob that is not there/) });
    expect(byFile.get('escape.gguf')).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/outside this repo's blobs/) });
  });

  it('lists a file of several snapshots once, from the revision refs/main names', async () => {
    const hub = join(t.root, 'hub');
    const good = await writeSmallGguf(join(t.root, 'src', 'good.gguf'));
    await hfRepo(hub, 'o', 'r-GGUF', { 'm.gguf': good }, 'old');
    const current = await hfRepo(hub, 'o', 'r-GGUF', { 'm.gguf': good }, 'new');
    await t.library.addFolder(hub);
    const models = await t.library.listModels();
    expect(models.map((m) => m.path)).toEqual([join(current, 'm.gguf')]);
  });

  it('lists a linked file in the models folder and explains a dangling one', async () => {
    const target = await writeSmallGguf(join(t.root, 'elsewhere', 'a.gguf'));
    await symlink(target, join(t.modelsDir, 'a.gguf'));
    await symlink(join(t.root, 'elsewhere', 'missing.gguf'), join(t.modelsDir, 'b.gguf'));
    const models = await t.library.listModels();
    expect(models.map((m) => [m.id, m.status])).toEqual([
      ['a.gguf', 'ok'],
      ['b.gguf', 'unreadable'],
    ]);
    expect(models[1]!.error).toMatch(/gone/);
  });
});

async function tempLibraryIds(current: typeof t): Promise<string[]> {
  const settings = new SettingsStore({ dataDir: current.dataDir, logger: silentLogger });
  const folders = new LibraryFolders(current.modelsDir, settings, { homeDir: current.home, env: {} });
  const library = new LibraryService(current.modelsDir, silentLogger, { folders });
  return (await library.listModels()).map((m) => m.id).sort();
}
