import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../shared/dto';
import type { Core } from '../core/createCore';
import { fixtureModel } from '../testing/fixtureModels';
import { createTestCore } from '../testing/testCore';
import { launchTargetsFromArgv, parseDeepLink } from './launchTargets';
import { LaunchTargetOpener, type WindowLike } from './openTargets';

// What the app does with "Open with Hearth" and hearth:// links, with a fake window and a real
// core: the route shown, the model really imported (as a copy), a failure explained.

const appUrl = 'file:///opt/Hearth/resources/app.asar/out/renderer/index.html';

class FakeWindow implements WindowLike {
  readonly loaded: string[] = [];
  minimized = true;
  focused = 0;
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.focused++;
  }
  async loadURL(url: string) {
    this.loaded.push(url);
  }
}

let core: Core;
let cleanup: () => Promise<void>;
let downloads: string;
beforeAll(async () => {
  const test = await createTestCore();
  core = test.core;
  cleanup = test.cleanup;
  downloads = await mkdtemp(join(tmpdir(), 'hearth-open-with-'));
});
afterAll(async () => {
  await cleanup();
  await rm(downloads, { recursive: true, force: true });
});

function opener() {
  const window = new FakeWindow();
  const errors: Array<{ message: string; detail: string }> = [];
  const instance = new LaunchTargetOpener<FakeWindow>();
  const start = () => instance.start({ core, appUrl, window: () => window, showError: async (_w, message, detail) => errors.push({ message, detail }) });
  return { instance, window, errors, start };
}

describe('LaunchTargetOpener', () => {
  it('keeps a link that arrives before the app is ready, then shows the repo page in front', async () => {
    const { instance, window, start } = opener();
    const shown = instance.open(parseDeepLink('hearth://model/Qwen/Qwen2.5-0.5B-Instruct-GGUF')!);
    expect(window.loaded).toEqual([]);
    start();
    await shown;
    expect(window.loaded).toEqual([`${appUrl}#/discover/Qwen/Qwen2.5-0.5B-Instruct-GGUF`]);
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(1);
  });

  it('imports an opened .gguf into the library as a copy and shows My Models', async () => {
    const { instance, window, errors, start } = opener();
    start();
    const source = join(downloads, 'my-model.gguf');
    await copyFile(await fixtureModel({ preset: 'tiny', type: 'Q4_0' }), source);
    const [target] = launchTargetsFromArgv(['/opt/Hearth/hearth', 'my-model.gguf'], downloads);
    await instance.open(target!);
    expect(errors).toEqual([]);
    expect(window.loaded).toEqual([`${appUrl}#/models`]);
    const models = (await core.dispatch('library.listModels', {})) as ModelInfo[];
    expect(models.map((m) => m.id)).toEqual([expect.stringMatching(/(^|\/)my-model\.gguf$/)]);
    expect(existsSync(source)).toBe(true); // a copy: the user's file stays
  });

  it('explains a file it cannot import, and imports nothing', async () => {
    const { instance, errors, start } = opener();
    start();
    const source = join(downloads, 'broken.gguf');
    await writeFile(source, 'not a GGUF file at all\n'.repeat(20));
    const before = ((await core.dispatch('library.listModels', {})) as ModelInfo[]).length;
    await instance.open({ kind: 'import', path: source });
    expect(errors).toEqual([{ message: 'Hearth could not import broken.gguf', detail: expect.stringMatching(/\S/) }]);
    expect(((await core.dispatch('library.listModels', {})) as ModelInfo[]).length).toBe(before);
  });
});
