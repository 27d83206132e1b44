import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultFixtureCacheDir, ensureFixtureModel, type FixtureOptions } from '../fixtures/gguf/generateModel';

/** Path of a generated model in the shared fixture cache (generated on first use, then reused). */
export function fixtureModel(options: FixtureOptions): Promise<string> {
  return ensureFixtureModel(defaultFixtureCacheDir(), options);
}

/**
 * Fills a models folder the way a user's looks: a tiny model in LM Studio's layout, a loose one,
 * and a garbage `.gguf` that must be listed as unreadable.
 */
export async function populateModelsDir(modelsDir: string): Promise<{ tinyId: string; looseId: string; garbageId: string }> {
  const tiny = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
  const tinyF16 = await fixtureModel({ preset: 'tiny', type: 'F16' });
  const tinyId = 'hearth-test/tiny-GGUF/hearth-tiny-q4_0.gguf';
  const looseId = 'hearth-tiny-f16.gguf';
  const garbageId = 'broken/garbage.gguf';
  await mkdir(dirname(join(modelsDir, tinyId)), { recursive: true });
  await mkdir(dirname(join(modelsDir, garbageId)), { recursive: true });
  await copyFile(tiny, join(modelsDir, tinyId));
  await copyFile(tinyF16, join(modelsDir, looseId));
  await writeFile(join(modelsDir, garbageId), 'this is not a GGUF file, just text pretending to be one\n'.repeat(50));
  return { tinyId, looseId, garbageId };
}
