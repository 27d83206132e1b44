import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldSeed, InvalidRequestError, type GenerationEvent } from '../../../shared/generation';
import { silentLogger } from '../logging/logger';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { ModelOnDemand } from './modelOnDemand';

// The pipeline on a real core and engine (tiny generated models).
let env: Awaited<ReturnType<typeof createTestCore>>;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
let onDemand: ModelOnDemand;
let residentOnly: ModelOnDemand;

beforeAll(async () => {
  env = await createTestCore();
  ids = await populateModelsDir(env.modelsDir);
  const { library, inference } = env.core;
  onDemand = new ModelOnDemand({ library, inference, logger: silentLogger, idleUnloadMs: 0, loadDefaults: { contextSize: 512 } });
  residentOnly = new ModelOnDemand({ library, inference, logger: silentLogger, idleUnloadMs: 0, onDemand: false });
}, 120_000);
afterAll(async () => {
  await env?.cleanup();
});

function caller() {
  const events: GenerationEvent[] = [];
  return { events, caller: { signal: new AbortController().signal, emit: (event: GenerationEvent) => void events.push(event) } };
}

describe('foldSeed', () => {
  it('folds any integer into 32 bits, the same one every time; -1 is llama.cpp’s random seed', () => {
    expect(foldSeed(7)).toBe(7);
    expect(foldSeed(2 ** 32 + 7)).toBe(7);
    expect(foldSeed(-1)).toBe(0xffffffff);
    expect(foldSeed(-(2 ** 32) - 1)).toBe(0xffffffff);
    expect(foldSeed(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER % 2 ** 32);
  });
});

describe('GenerationPipeline', () => {
  it('refuses a model that is not resident when loading on demand is not allowed, and loads it when it is', async () => {
    const refused = caller();
    await expect(env.core.generation.run({ model: ids.tinyId, prompt: 'hi' }, residentOnly, refused.caller)).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED' });
    expect(env.core.inference.getState().models).toHaveLength(0);

    const loaded = caller();
    const outcome = await env.core.generation.run({ model: 'hearth-tiny-q4_0', prompt: 'Once upon a time', sampling: { maxTokens: 6, temperature: 0 } }, onDemand, loaded.caller);
    expect(outcome.modelId).toBe(ids.tinyId);
    expect(loaded.events[0]).toMatchObject({ type: 'model', modelId: ids.tinyId });
    expect(outcome.loadMs).toBeGreaterThan(0);
    expect(loaded.events.filter((e) => e.type === 'tokens').map((e) => (e as { text: string }).text).join('')).toBe(outcome.text);
    expect(outcome.usage.totalTokens).toBe(outcome.usage.promptTokens + outcome.usage.completionTokens);
    expect(['stop', 'length']).toContain(outcome.finishReason);
    // Now resident: the resident-only source takes it.
    const again = await env.core.generation.run({ model: ids.tinyId, prompt: 'Once upon a time', sampling: { maxTokens: 6, temperature: 0 } }, residentOnly, caller().caller);
    expect(again.text).toBe(outcome.text);
  }, 120_000);

  it('gives the same reply for a seed and that seed plus 2^32 (one folding rule for every surface)', async () => {
    const request = (seed: number) => ({ model: ids.tinyId, messages: [{ role: 'user' as const, content: 'Say something' }], sampling: { temperature: 1.5, seed, maxTokens: 10 } });
    const a = await env.core.generation.run(request(11), onDemand, caller().caller);
    const b = await env.core.generation.run(request(11 + 2 ** 32), onDemand, caller().caller);
    expect(b.text).toBe(a.text);
    expect(a.finishReason).toBe(a.usage.completionTokens >= 10 ? 'length' : 'stop');
  }, 120_000);

  it('rejects a wrong request before holding any model, naming the field in its own terms', async () => {
    const bad = async (request: unknown) => {
      const error = await env.core.generation.run(request, onDemand, caller().caller).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      return (error as InvalidRequestError).path;
    };
    expect(await bad({ prompt: 'x', sampling: { temperature: 2.5 } })).toBe('sampling.temperature');
    expect(await bad({ prompt: 'x', sampling: { stop: ['a'.repeat(201)] } })).toBe('sampling.stop[0]');
    expect(await bad({ prompt: 'x', messages: [{ role: 'user', content: 'y' }] })).toBe('messages');
    expect(await bad({ messages: [{ role: 'robot', content: 'y' }] })).toBe('messages[0].role');
    expect(await bad({ prompt: 'x', extra: 1 })).toBe('');
  });
});
