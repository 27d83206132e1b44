import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { EngineRuntime } from './engineRuntime';
import type { GenerateRequest } from './protocol';

// Several replies at once on one context with 4 sequences, real llama.cpp, tiny generated model.
const runtime = new EngineRuntime({ gpu: false, maxThreads: 1 });
let counter = 0;
const prompts: ChatMessage[][] = ['hello there', 'what is a hearth', 'tell me a story', 'numbers please'].map((content) => [
  { role: 'user', content },
]);

function generate(messages: ChatMessage[], params: GenerateRequest['params'], requestId = `p${++counter}`, onText?: (text: string) => void) {
  return runtime.generate({ op: 'generate', requestId, messages, params }, { onText: onText ?? (() => {}), onPromptProgress: () => {} });
}

beforeAll(async () => {
  const modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
  const loaded = await runtime.load({ op: 'load', modelPath, contextSize: 512, threads: 1, parallel: 4, gpuLayers: 0, flashAttention: true }, () => {});
  expect(loaded.settings.parallel).toBe(4);
});
afterAll(() => runtime.dispose());

describe('EngineRuntime with parallel sequences', () => {
  it('gives 4 concurrent greedy replies exactly the texts of 4 sequential ones, on 4 different sequences', async () => {
    const params = { temperature: 0, maxTokens: 40 };
    const sequential: string[] = [];
    for (const messages of prompts) sequential.push((await generate(messages, params)).text);
    expect(new Set(sequential).size).toBe(4);
    const concurrent = await Promise.all(prompts.map((messages) => generate(messages, params)));
    expect(concurrent.map((r) => r.text)).toEqual(sequential);
    expect(new Set(concurrent.map((r) => r.sequenceId)).size).toBe(4);
    expect(runtime.status()).toMatchObject({ residentModels: 1, activeGenerations: 0, parallel: 4 });
  });

  it('gives a returning conversation its own sequence back, with its prefix cached', async () => {
    const first = await generate(prompts[0]!, { temperature: 0, maxTokens: 16 });
    // Other conversations run in between, on other sequences.
    await Promise.all([generate(prompts[1]!, { temperature: 0, maxTokens: 8 }), generate(prompts[2]!, { temperature: 0, maxTokens: 8 })]);
    const next = await generate(
      [...prompts[0]!, { role: 'assistant', content: first.text }, { role: 'user', content: 'and then?' }],
      { temperature: 0, maxTokens: 8 },
    );
    expect(next.sequenceId).toBe(first.sequenceId);
    expect(next.stats.cachedPromptTokens).toBeGreaterThanOrEqual(first.stats.promptTokens - 1);
  });

  it('stops one reply without disturbing the others running beside it', async () => {
    const params = { temperature: 0, maxTokens: 60 };
    const alone = await generate(prompts[1]!, params);
    let chunks = 0;
    const [stopped, other] = await Promise.all([
      generate(prompts[0]!, { temperature: 0, maxTokens: 400 }, 'to-stop', () => {
        if (++chunks === 2) runtime.abort('to-stop');
      }),
      generate(prompts[1]!, params),
    ]);
    expect(stopped.stats.stopReason).toBe('abort');
    expect(other.text).toBe(alone.text);
    expect(other.stats.stopReason).toBe('length');
  });

  it('a stop that arrives before the reply has joined the scheduler still stops it', async () => {
    const reply = generate(prompts[2]!, { temperature: 0, maxTokens: 200 }, 'early-stop');
    expect(runtime.abort('early-stop')).toBe(true);
    const result = await reply;
    expect(result.stats).toMatchObject({ stopReason: 'abort', completionTokens: 0 });
    expect(runtime.abort('early-stop')).toBe(false);
  });

  it('unload during replies ends them with stop reason abort, then frees the model', async () => {
    const replies = prompts.map((messages) => generate(messages, { temperature: 0.7, seed: 3, maxTokens: 400 }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runtime.status().activeGenerations).toBeGreaterThan(0);
    await expect(runtime.unload()).resolves.toBe(true);
    const results = await Promise.all(replies);
    expect(results.every((r) => r.stats.stopReason === 'abort')).toBe(true);
    expect(runtime.status()).toMatchObject({ residentModels: 0, activeGenerations: 0 });
  });
});
