import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../testing/fixtureModels';
import { EngineRuntime } from './engineRuntime';

// Embeddings from the loaded model through node-llama-cpp's embedding context, real llama.cpp on
// the tiny generated model (n_embd 64, trained context 512).
const runtime = new EngineRuntime({ gpu: false, maxThreads: 1 });
const EMBEDDING_SIZE = 64;
let modelPath: string;

function load() {
  return runtime.load({ op: 'load', modelPath, contextSize: 512, threads: 1, parallel: 2, gpuLayers: 0, flashAttention: true }, () => {});
}
const embed = (texts: string[]) => runtime.embed({ op: 'embed', texts });
const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

beforeAll(async () => {
  modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
  await load();
});
afterAll(() => runtime.dispose());

describe('embeddings', () => {
  it('gives unit vectors of the model size: identical texts identical, different texts different', async () => {
    const { vectors, promptTokens } = await embed(['the quick brown fox', 'the quick brown fox', 'a completely different sentence']);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(EMBEDDING_SIZE);
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(dot(vector, vector)).toBeCloseTo(1, 5);
    }
    expect(vectors[1]).toEqual(vectors[0]);
    expect(dot(vectors[0]!, vectors[2]!)).toBeLessThan(0.9999);
    expect(promptTokens).toBeGreaterThan(6);
    // A text embeds the same alone as among others (no state leaks between inputs).
    expect((await embed(['a completely different sentence'])).vectors[0]).toEqual(vectors[2]);
  });

  it('refuses a text longer than the context with CONTEXT_OVERFLOW and the counts, and keeps working', async () => {
    await expect(embed(['short', 'word '.repeat(1000)])).rejects.toMatchObject({
      code: 'CONTEXT_OVERFLOW',
      message: expect.stringMatching(/^Text 2 is \d+ tokens but the embedding context holds 512/),
    });
    await expect(embed(['short'])).resolves.toMatchObject({ vectors: [expect.any(Array)] });
  });

  it('runs between the rounds of a running reply without changing it', async () => {
    const generate = (requestId: string) =>
      runtime.generate(
        { op: 'generate', requestId, messages: [{ role: 'user', content: 'hello there' }], params: { temperature: 0, maxTokens: 120 } },
        { onText: () => {}, onPromptProgress: () => {} },
      );
    const alone = await generate('alone');
    const reply = generate('beside');
    const embedded = await Promise.all([1, 2, 3].map((n) => embed([`text number ${n}`, `another text ${n}`])));
    expect(runtime.status().activeGenerations).toBe(1);
    expect((await reply).text).toBe(alone.text);
    expect(embedded.every((e) => e.vectors.length === 2)).toBe(true);
  });

  it('is freed with the model: after unload MODEL_NOT_LOADED, after a new load it works again', async () => {
    await runtime.unload();
    await expect(embed(['hello'])).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED' });
    await load();
    await expect(embed(['hello'])).resolves.toMatchObject({ vectors: [expect.any(Array)] });
  });
});
