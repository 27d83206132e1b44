import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, SamplingParams } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { EngineRuntime } from './engineRuntime';

// Every sampling parameter must change what llama.cpp picks, in the lockstep path the app uses.
// Real llama.cpp, tiny generated model: assertions compare outputs, never wording.
const runtime = new EngineRuntime({ gpu: false, maxThreads: 1 });
const hello: ChatMessage[] = [{ role: 'user', content: 'hello there' }];
const CONTEXT = 512;
let counter = 0;

function chat(params: SamplingParams, messages = hello) {
  return runtime.generate({ op: 'generate', requestId: `s${++counter}`, messages, params }, { onText: () => {}, onPromptProgress: () => {} });
}

function complete(prompt: string, params: SamplingParams, onText: (text: string) => void = () => {}) {
  return runtime.generate({ op: 'generate', requestId: `c${++counter}`, prompt, params }, { onText, onPromptProgress: () => {} });
}

beforeAll(async () => {
  const modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
  await runtime.load({ op: 'load', modelPath, contextSize: CONTEXT, threads: 1, parallel: 1, gpuLayers: 0, flashAttention: true }, () => {});
});
afterAll(() => runtime.dispose());

describe('sampling parameters', () => {
  it('a seed reproduces a sampled reply with every parameter set; another seed changes it', async () => {
    const params: SamplingParams = { temperature: 1.2, topK: 80, topP: 0.9, minP: 0.02, repeatPenalty: 1.2, presencePenalty: 0.5, frequencyPenalty: 0.3, repeatLastN: 32, seed: 42, maxTokens: 40 };
    const a = await chat(params);
    const b = await chat(params);
    expect(b.text).toBe(a.text);
    expect((await chat({ ...params, seed: 43 })).text).not.toBe(a.text);
  });

  it('without a seed, two replies started in the same second still differ', async () => {
    const [a, b] = [await chat({ temperature: 1, maxTokens: 24 }), await chat({ temperature: 1, maxTokens: 24 })];
    expect(b.text).not.toBe(a.text);
  });

  it('presence and frequency penalties change a greedy reply', async () => {
    const base = { temperature: 0, repeatPenalty: 1, maxTokens: 60 };
    const plain = await chat(base);
    const presence = await chat({ ...base, presencePenalty: 1.5 });
    const frequency = await chat({ ...base, frequencyPenalty: 1.5 });
    expect(presence.text).not.toBe(plain.text);
    expect(frequency.text).not.toBe(plain.text);
    // Negative values are allowed (OpenAI's range): they favour repeats instead.
    expect((await chat({ ...base, presencePenalty: -1.5 })).text).not.toBe(plain.text);
  });

  it('repeatLastN is the penalty window: 0 switches the penalties off', async () => {
    const base = { temperature: 0, maxTokens: 60 };
    const off = await chat({ ...base, repeatPenalty: 1 });
    expect((await chat({ ...base, repeatPenalty: 1.8, presencePenalty: 1, repeatLastN: 0 })).text).toBe(off.text);
    const wide = await chat({ ...base, repeatPenalty: 1.8, repeatLastN: 64 });
    const narrow = await chat({ ...base, repeatPenalty: 1.8, repeatLastN: 2 });
    expect(wide.text).not.toBe(off.text);
    expect(narrow.text).not.toBe(wide.text);
  });

  it('topK 1, topP 0 and minP 1 each leave only the most likely token: a hot sampler becomes greedy', async () => {
    const greedy = await chat({ temperature: 0, maxTokens: 30 });
    const hot = { temperature: 1.5, seed: 7, maxTokens: 30 };
    expect((await chat(hot)).text).not.toBe(greedy.text);
    expect((await chat({ ...hot, topK: 1 })).text).toBe(greedy.text);
    expect((await chat({ ...hot, topP: 0 })).text).toBe(greedy.text);
    expect((await chat({ ...hot, minP: 1 })).text).toBe(greedy.text);
  });
});

describe('raw completion', () => {
  it('evaluates the prompt as it is (no chat template), streams, stops and reuses its cache', async () => {
    const chatReply = await chat({ temperature: 0, maxTokens: 8 });
    const pieces: string[] = [];
    const first = await complete('hello there', { temperature: 0, maxTokens: 24 }, (t) => pieces.push(t));
    // The chat template adds its markers around the same words; the raw prompt is just BOS + the words.
    expect(first.stats.promptTokens).toBeLessThan(chatReply.stats.promptTokens);
    expect(pieces.join('')).toBe(first.text);
    expect(first.stats).toMatchObject({ completionTokens: 24, stopReason: 'length' });
    const stop = first.text.slice(8, 10);
    const cut = await complete('hello there', { temperature: 0, maxTokens: 24, stop: [stop] });
    expect(cut.stats.stopReason).toBe('stop');
    expect(cut.text).toBe(first.text.slice(0, first.text.indexOf(stop)));
    // The next call extends the prompt: only the new tokens are evaluated.
    const next = await complete(`hello there${first.text} and more`, { temperature: 0, maxTokens: 4 });
    expect(next.stats.cachedPromptTokens).toBeGreaterThanOrEqual(first.stats.promptTokens - 1);
  });
});

describe('prompt too long for the context', () => {
  it('fails with CONTEXT_OVERFLOW and the token counts, for chats and raw prompts, never truncating', async () => {
    const words = 'word '.repeat(2000);
    await expect(chat({ maxTokens: 4 }, [{ role: 'user', content: words }])).rejects.toMatchObject({
      code: 'CONTEXT_OVERFLOW',
      message: expect.stringMatching(new RegExp(`The conversation is \\d{4,} tokens but the context holds ${CONTEXT}`)),
    });
    await expect(complete(words, { maxTokens: 4 })).rejects.toMatchObject({
      code: 'CONTEXT_OVERFLOW',
      message: expect.stringMatching(new RegExp(`The prompt is \\d{4,} tokens but the context holds ${CONTEXT}`)),
    });
  });

  it('a prompt that leaves room for one token gets exactly one, with stop reason length', async () => {
    // Measure what one more word costs, then build the longest prompt that still fits.
    const probe = await complete('a', { temperature: 0, maxTokens: 1 });
    const perWord = (await complete('a a', { temperature: 0, maxTokens: 1 })).stats.promptTokens - probe.stats.promptTokens;
    const words = Math.floor((CONTEXT - 1 - probe.stats.promptTokens) / perWord) + 1;
    const fits = await complete(Array(words).fill('a').join(' '), { temperature: 0, maxTokens: 50 });
    expect(fits.stats).toMatchObject({ promptTokens: CONTEXT - 1, completionTokens: 1, stopReason: 'length' });
    await expect(complete(Array(words + CONTEXT).fill('a').join(' '), { maxTokens: 1 })).rejects.toMatchObject({ code: 'CONTEXT_OVERFLOW' });
  });
});
