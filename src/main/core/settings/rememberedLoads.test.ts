import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../shared/dto';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

// Load settings per model through the whole core: real engine, generated tiny model (trained for 512).
let core: Core;
let dataDir: string;
let tinyId: string;
let cleanup: () => Promise<void>;
const load = (args: Record<string, unknown>) => core.dispatch('inference.loadModel', { modelId: tinyId, ...args }, {}) as Promise<LoadedModel>;

beforeAll(async () => {
  const test = await createTestCore();
  ({ core, dataDir, cleanup } = test);
  ({ tinyId } = await populateModelsDir(test.modelsDir));
}, 120_000);
afterAll(() => cleanup());

describe('load settings', () => {
  it('a context above the trained length is refused with a message naming both, not loaded at the trained length', async () => {
    const refused = load({ contextSize: 131_072 });
    await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(refused).rejects.toThrow(/trained for a context of 512 tokens; 131072 is more than it can use/);
    expect(core.fleet.primary).toBeNull();
    // The trained length itself is fine.
    expect((await load({ contextSize: 512, parallel: 1 })).settings.contextSize).toBe(512);
  });

  it('settings loaded with `remember` come back after an unload when the next load does not give them', async () => {
    const chosen = await load({ contextSize: 256, threads: 1, parallel: 1, batchSize: 64, remember: true });
    expect(chosen.settings).toMatchObject({ contextSize: 256, parallel: 1, batchSize: 64 });
    await core.dispatch('inference.unloadModel', {}, {});
    // The picker's load: the model id only.
    const again = await load({});
    expect(again.settings).toMatchObject({ contextSize: 256, parallel: 1, batchSize: 64 });
    // A load that gives a setting wins over the remembered one (and, without `remember`, saves nothing).
    expect((await load({ contextSize: 384 })).settings.contextSize).toBe(384);
    expect((await load({})).settings.contextSize).toBe(256);
    const saved = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as { loads: { byModel: Record<string, unknown> } };
    expect(saved.loads.byModel[tinyId]).toEqual({ contextSize: 256, threads: 1, parallel: 1, batchSize: 64 });
  });
});
