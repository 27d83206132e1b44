import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeleteModelResult, LibraryFolder, LoadedModel, ModelInfo } from '../../../shared/dto';
import { createCore, type Core } from '../createCore';
import { silentLogger } from '../logging/logger';
import { writeSmallGguf } from './testing/libraryFixtures';

// The library methods through the real dispatcher and wiring; the engine is never started.
let root: string;
let core: Core;
let events: string[];
const call = <T>(method: string, args: unknown = {}) => core.dispatch(method, args) as Promise<T>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-library-core-'));
  await mkdir(join(root, 'home', '.lmstudio', 'models'), { recursive: true });
  core = await createCore({
    dataDir: join(root, 'data'),
    modelsDir: join(root, 'models'),
    threads: 1,
    logger: silentLogger,
    host: 'headless',
    version: 'test',
    hub: { endpoint: 'http://127.0.0.1:9' },
    launchEngine: () => {
      throw new Error('the engine is not started in this test');
    },
    folderDetection: { homeDir: join(root, 'home'), env: {} },
  });
  events = [];
  core.events.subscribe((event, payload) => {
    if (event === 'library.changed') events.push((payload as { reason: string }).reason);
  });
});
afterEach(async () => {
  await core.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('library methods in the core', () => {
  it('lists, adds and removes folders, imports and deletes, each change announced with library.changed', async () => {
    const lms = join(root, 'home', '.lmstudio', 'models');
    expect((await call<LibraryFolder[]>('library.listFolders')).map((f) => [f.kind, f.added])).toEqual([
      ['models', true],
      ['lmstudio', false],
    ]);
    await call('library.addFolder', { path: lms });
    const source = await writeSmallGguf(join(root, 'Downloads', 'm.gguf'), { license: 'apache-2.0' });
    const imported = await call<ModelInfo>('library.importModel', { path: source, mode: 'copy' });
    expect(imported).toMatchObject({ id: 'imported/m.gguf', metadata: { license: 'apache-2.0' } });
    await expect(call<DeleteModelResult>('library.deleteModel', { modelId: imported.id })).resolves.toEqual({ deleted: [imported.path] });
    await call('library.removeFolder', { path: lms });
    expect(events).toHaveLength(4);
    expect(events[1]).toMatch(/^imported /);
    expect(events[2]).toBe('deleted imported/m.gguf');
  });

  it('validates arguments before any handler runs', async () => {
    await expect(call('library.addFolder', { path: 'relative/dir' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('library.importModel', { path: '/x.gguf', mode: 'steal' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('library.deleteModel', {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses to delete the model the engine holds', async () => {
    await writeSmallGguf(join(root, 'models', 'm.gguf'));
    // Stands in for a finished load: the predicate reads only `fleet.resident`.
    Object.defineProperty(core.fleet, 'resident', { value: (modelId: string): Partial<LoadedModel> | undefined => (modelId === 'm.gguf' ? { modelId } : undefined) });
    await expect(call('library.deleteModel', { modelId: 'm.gguf' })).rejects.toMatchObject({ code: 'BUSY', message: expect.stringMatching(/unload it first/) });
  });
});
