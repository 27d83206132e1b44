/**
 * Fuzz through loading: damaged GGUF files of every class (a seeded sample) go through
 * `inference.loadModel` with the real engine process. Each must either load (the damage hit
 * something harmless) or fail with a clear error of Hearth's own; the engine may die on a file
 * llama.cpp itself cannot survive, but the app never does, and the next good load works.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError, ERROR_CODES } from '../../../shared/errors';
import { damageCases, type DamageCase } from '../../fixtures/gguf/damage';
import { fixtureModel, populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

const SEED = 424_242;
/** Cases per class (random flips: more), enough to cover every class in well under a minute. */
const PER_CLASS = 4;
const RANDOM_FLIPS = 120;

let core: Core;
let cleanup: () => Promise<void>;
let tinyId: string;
const cases: Array<{ id: string; damage: DamageCase }> = [];

beforeAll(async () => {
  const test = await createTestCore();
  core = test.core;
  cleanup = test.cleanup;
  tinyId = (await populateModelsDir(test.modelsDir)).tinyId;
  const valid = await readFile(await fixtureModel({ preset: 'tiny', type: 'Q4_0' }));
  const perClass = new Map<string, number>();
  await mkdir(join(test.modelsDir, 'fuzz'), { recursive: true });
  for (const damage of damageCases(valid, { seed: SEED, randomFlipCases: RANDOM_FLIPS })) {
    const taken = perClass.get(damage.className) ?? 0;
    if (damage.className !== 'random-flips' && taken >= PER_CLASS) continue;
    perClass.set(damage.className, taken + 1);
    const id = `fuzz/case-${cases.length}.gguf`;
    await writeFile(join(test.modelsDir, id), damage.bytes);
    cases.push({ id, damage });
  }
});
afterAll(() => cleanup());

it('every damaged file loads or fails with a clear error; the app survives and the next load works', async () => {
  const tally = new Map<string, { cases: number; loaded: number; clear: number; engineDied: number }>();
  for (const { id, damage } of cases) {
    const t = tally.get(damage.className) ?? { cases: 0, loaded: 0, clear: 0, engineDied: 0 };
    tally.set(damage.className, t);
    t.cases++;
    try {
      await core.inference.loadModel({ modelId: id });
      t.loaded++;
    } catch (error) {
      expect(error, `${damage.description}`).toBeInstanceOf(AppError);
      const { code, message } = error as AppError;
      expect(ERROR_CODES).toContain(code);
      expect(message.length).toBeLessThanOrEqual(1_000);
      expect(message).not.toMatch(/Cannot read properties|ERR_[A-Z_]+|\bat \S+:\d+/);
      if (code === 'ENGINE_CRASHED') t.engineDied++;
      t.clear++;
    }
  }
  // The app is still here: a good model loads and answers.
  await core.inference.loadModel({ modelId: tinyId });
  const reply = await core.fleet.generate(
    { requestId: 'after-fuzz', messages: [{ role: 'user', content: 'hi' }], params: { temperature: 0, maxTokens: 4 } },
    { signal: new AbortController().signal, emit: () => {} },
  );
  expect(reply.stats.completionTokens).toBe(4);
  console.log('load fuzz (class: cases / loaded / clear errors / of which the engine died)');
  for (const [name, t] of tally) console.log(`  ${name}: ${t.cases} / ${t.loaded} / ${t.clear} / ${t.engineDied}`);
  for (const t of tally.values()) expect(t.loaded + t.clear).toBe(t.cases);
}, 120_000);
