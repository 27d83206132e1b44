import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../../src/main/fixtures/gguf/generateModel';

/** Models the e2e suite puts in a fresh models folder, by id (path below the folder). */
export const MODELS = {
  /** SmolLM2-135M-shaped Q4_0: ~150 tok/s on one thread, slow enough to watch streaming and press Stop. */
  small: { id: 'hearth-test/SmolLM2-135M-GGUF/smollm2-135m-q4_0.gguf', name: 'Hearth SmolLM2-135M' },
  tiny: { id: 'hearth-test/tiny-GGUF/hearth-tiny-q4_0.gguf', name: 'Hearth Tiny' },
  garbage: { id: 'garbage.gguf' },
} as const;

export async function populateE2eModels(modelsDir: string): Promise<void> {
  const cache = defaultFixtureCacheDir();
  const small = await ensureFixtureModel(cache, { preset: 'smollm2-135m', type: 'Q4_0', name: MODELS.small.name });
  const tiny = await ensureFixtureModel(cache, { preset: 'tiny', type: 'Q4_0' });
  for (const [source, id] of [[small, MODELS.small.id], [tiny, MODELS.tiny.id]] as const) {
    await mkdir(dirname(join(modelsDir, id)), { recursive: true });
    await copyFile(source, join(modelsDir, id));
  }
  await writeFile(join(modelsDir, MODELS.garbage.id), Buffer.from('GGUF but then nonsense, not a model at all'));
}
