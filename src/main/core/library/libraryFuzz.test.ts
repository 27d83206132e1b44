/**
 * Fuzz: a models folder full of damaged GGUF files (every class of damage from the seeded
 * generator, plus random bit flips) must list without throwing, each file either fine with sane
 * metadata (the damage hit something the header summary does not depend on, like a token's
 * text) or unreadable with a short reason.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ModelInfo, ModelMetadata } from '../../../shared/dto';
import { damageCases, DAMAGE_CLASSES, type DamageCase, type DamageClass } from '../../fixtures/gguf/damage';
import { fixtureModel } from '../../testing/fixtureModels';
import { silentLogger } from '../logging/logger';
import { LibraryService } from './libraryService';

const SEED = 20_240_611;
/** Internals that must never reach a person (Node and JS error texts). */
const LEAKED_INTERNALS = /Cannot read properties|out of range|ERR_[A-Z_]+|undefined|NaN|\bat \S+:\d+/;

let modelsDir: string;
let cases: Map<string, DamageCase>;
beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'hearth-fuzz-'));
  const valid = await readFile(await fixtureModel({ preset: 'tiny', type: 'Q4_0' }));
  cases = new Map();
  let index = 0;
  for (const damage of damageCases(valid, { seed: SEED, randomFlipCases: 200 })) {
    // Spread over LM Studio-style folders as well as loose files.
    const id = index % 3 === 0 ? `pub/${damage.className}/case-${index}.gguf` : `case-${index}.gguf`;
    await mkdir(join(modelsDir, id, '..'), { recursive: true });
    await writeFile(join(modelsDir, id), damage.bytes);
    cases.set(id, damage);
    index++;
  }
});
afterAll(() => rm(modelsDir, { recursive: true, force: true }));

/** Metadata a person could be shown without confusion. */
function expectSane(metadata: ModelMetadata | undefined, fileBytes: number, what: string): void {
  expect(metadata, what).toBeDefined();
  const m = metadata!;
  expect(m.name.length, what).toBeGreaterThan(0);
  expect(m.name.length, what).toBeLessThanOrEqual(200);
  // eslint-disable-next-line no-control-regex -- the point is that none are left
  expect(m.name, what).not.toMatch(/[\u0000-\u001f]/);
  expect(m.architecture, what).toMatch(/^\S.{0,199}$/);
  expect(Number.isSafeInteger(m.parameterCount) && m.parameterCount > 0, what).toBe(true);
  // No known encoding stores more than 8 values per byte (Q1_0 is 1.125 bits per value).
  expect(m.parameterCount, what).toBeLessThanOrEqual(fileBytes * 8);
  expect(m.layers >= 1 && m.layers <= 512, what).toBe(true);
  expect(Number.isSafeInteger(m.trainedContextLength) && m.trainedContextLength >= 1, what).toBe(true);
  expect(m.quantization, what).toMatch(/^[\w ]{1,20}$/);
}

it('lists a folder of damaged GGUF files: never throws, every file fine or unreadable with a short reason', async () => {
  const started = performance.now();
  const models = await new LibraryService(modelsDir, silentLogger).listModels();
  const elapsedMs = performance.now() - started;

  expect(models.map((m) => m.id).sort()).toEqual([...cases.keys()].sort());
  const tally = new Map<DamageClass, { cases: number; unreadable: number; ok: number }>(
    DAMAGE_CLASSES.map((c) => [c, { cases: 0, unreadable: 0, ok: 0 }]),
  );
  for (const model of models) {
    const damage = cases.get(model.id)!;
    const what = `${model.id} (${damage.className}: ${damage.description}) → ${model.error ?? 'ok'}`;
    const row = tally.get(damage.className)!;
    row.cases++;
    if (model.status === 'ok') {
      row.ok++;
      expectSane(model.metadata, damage.bytes.length, what);
    } else {
      row.unreadable++;
      expectClearReason(model, what);
    }
  }
  // Damage placed on purpose always matters; only some random flips land somewhere harmless.
  for (const [className, row] of tally) {
    expect(row.cases, className).toBeGreaterThan(0);
    if (className !== 'random-flips') expect(row.ok, className).toBe(0);
  }
  console.info(`fuzz: ${models.length} damaged files listed in ${Math.round(elapsedMs)} ms`);
  console.table(Object.fromEntries(tally));
  expect(elapsedMs).toBeLessThan(60_000);
});

it('re-lists from the cache with the same result', async () => {
  const library = new LibraryService(modelsDir, silentLogger);
  const first = await library.listModels();
  const started = performance.now();
  const second = await library.listModels();
  expect(second).toEqual(first);
  expect(performance.now() - started).toBeLessThan(5_000);
});

function expectClearReason(model: ModelInfo, what: string): void {
  expect(model.metadata, what).toBeUndefined();
  expect(model.error, what).toBeTruthy();
  expect(model.error!.length, what).toBeLessThanOrEqual(200);
  expect(model.error, what).not.toMatch(/\n/);
  expect(model.error, what).not.toMatch(LEAKED_INTERNALS);
}
