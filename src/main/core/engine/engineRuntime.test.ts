import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { EngineRuntime } from './engineRuntime';
import type { GenerateRequest } from './protocol';

// Real llama.cpp on a generated tiny model, in this process. One thread: see engine-performance notes.
const runtime = new EngineRuntime({ gpu: false, maxThreads: 1 });
const hello: ChatMessage[] = [{ role: 'user', content: 'hello there' }];
let requestCounter = 0;

function sink(onText: (text: string) => void = () => {}) {
  return { onText, onPromptProgress: () => {} };
}

function generate(messages: ChatMessage[], params: GenerateRequest['params'], onText: (text: string) => void = () => {}) {
  return runtime.generate({ op: 'generate', requestId: `r${++requestCounter}`, messages, params }, sink(onText));
}

beforeAll(async () => {
  const modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
  const progress: number[] = [];
  const loaded = await runtime.load({ op: 'load', modelPath, contextSize: 4096, threads: 1, parallel: 1, gpuLayers: 0, flashAttention: true }, (p) => progress.push(p));
  // The context is capped to what the model was trained with.
  expect(loaded.settings.contextSize).toBe(512);
  expect(loaded.name).toBe('Hearth Tiny');
  expect(progress.at(-1)).toBe(1);
});

afterAll(() => runtime.dispose());

describe('EngineRuntime on a real model', () => {
  it('streams a reply whose pieces add up to the final text, with stats', async () => {
    const pieces: string[] = [];
    const result = await generate(hello, { temperature: 0.8, seed: 1, maxTokens: 48 }, (t) => pieces.push(t));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(result.text);
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.stats.completionTokens).toBe(48);
    expect(result.stats.stopReason).toBe('length');
    expect(result.stats.promptTokens).toBeGreaterThan(5);
    expect(result.stats.tokensPerSecond).toBeGreaterThan(0);
    expect(result.stats.timeToFirstTokenMs).toBeGreaterThan(0);
  });

  it('gives the same reply for the same seed, and at temperature 0', async () => {
    const a = await generate(hello, { temperature: 0.9, seed: 1234, maxTokens: 32 });
    const b = await generate(hello, { temperature: 0.9, seed: 1234, maxTokens: 32 });
    expect(b.text).toBe(a.text);
    const c = await generate(hello, { temperature: 0.9, seed: 99, maxTokens: 32 });
    expect(c.text).not.toBe(a.text);
    const g1 = await generate(hello, { temperature: 0, maxTokens: 32 });
    const g2 = await generate(hello, { temperature: 0, maxTokens: 32 });
    expect(g2.text).toBe(g1.text);
  });

  it('reuses the KV cache of the unchanged prefix on the next turn', async () => {
    const first = await generate(hello, { temperature: 0.8, seed: 5, maxTokens: 16 });
    const second = await generate(
      [...hello, { role: 'assistant', content: first.text }, { role: 'user', content: 'and then?' }],
      { temperature: 0.8, seed: 5, maxTokens: 16 },
    );
    expect(second.stats.promptTokens).toBeGreaterThan(first.stats.promptTokens);
    expect(second.stats.cachedPromptTokens).toBeGreaterThanOrEqual(first.stats.promptTokens - 1);
  });

  it('stops mid-stream when aborted and reports it', async () => {
    const requestId = 'abort-me';
    let chunks = 0;
    const result = await runtime.generate(
      { op: 'generate', requestId, messages: hello, params: { temperature: 0.8, seed: 3, maxTokens: 400 } },
      sink(() => {
        if (++chunks === 3) expect(runtime.abort(requestId)).toBe(true);
      }),
    );
    expect(result.stats.stopReason).toBe('abort');
    expect(result.stats.completionTokens).toBeLessThan(400);
    expect(runtime.abort(requestId)).toBe(false);
  });

  it('ends before a stop string without including it', async () => {
    const params = { temperature: 0.8, seed: 77, maxTokens: 64 };
    const full = await generate(hello, params);
    const stop = full.text.slice(20, 23);
    expect(stop.length).toBe(3);
    const cut = await generate(hello, { ...params, stop: [stop] });
    expect(cut.stats.stopReason).toBe('stop');
    expect(cut.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
  });

  it('refuses a prompt longer than the context with a clear error instead of truncating', async () => {
    const long = [{ role: 'user' as const, content: 'word '.repeat(2000) }];
    await expect(generate(long, { maxTokens: 4 })).rejects.toMatchObject({ code: 'CONTEXT_OVERFLOW' });
    // The engine is still usable afterwards.
    await expect(generate(hello, { maxTokens: 4, temperature: 0 })).resolves.toMatchObject({ stats: { completionTokens: 4 } });
  });

  it('reports MODEL_NOT_LOADED after unload', async () => {
    const other = new EngineRuntime({ gpu: false, maxThreads: 1 });
    await expect(
      other.generate({ op: 'generate', requestId: 'x', messages: hello, params: {} }, sink()),
    ).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED' });
    await other.dispose();
  });
});
