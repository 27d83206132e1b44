import { getLlama, LlamaLogLevel, type Llama, type LlamaContext, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { DirectDecoder } from './directDecode';
import { directDecodeUnsupported } from './nodeLlamaInternals';
import { EngineRuntime } from './engineRuntime';
import type { GenerateRequest, GenerateResult } from './protocol';

// Real llama.cpp on the tiny generated model (400 tokens, mostly one character each).
const GREEDY = { temperature: 0, topK: 40, topP: 0.95, minP: 0, seed: 7 };
const PROMPT = [5, 40, 41, 42, 43, 44] as Token[];

describe('DirectDecoder on node-llama-cpp directly', () => {
  let llama: Llama;
  let model: LlamaModel;
  let context: LlamaContext;

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: await fixtureModel({ preset: 'tiny', type: 'Q4_0' }) });
    context = await model.createContext({ contextSize: 256, sequences: 2, threads: { ideal: 1, min: 1 } });
  });
  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
  });

  /** `count` greedy tokens after PROMPT through `evaluate`, and the sequence's state after them. */
  async function viaEvaluate(count: number) {
    const sequence = context.getSequence();
    try {
      const tokens: Token[] = [];
      const iterator = sequence.evaluate(PROMPT, GREEDY);
      for (let i = 0; i < count; i++) tokens.push((await iterator.next()).value as Token);
      await iterator.return();
      return { tokens, next: sequence.nextTokenIndex, context: sequence.contextTokens, meter: sequence.tokenMeter.getState() };
    } finally {
      await sequence.dispose();
    }
  }

  it("finds node-llama-cpp's internals it needs (the version package.json pins)", () => {
    const sequence = context.getSequence();
    try {
      expect(directDecodeUnsupported(sequence)).toBeUndefined();
    } finally {
      void sequence.dispose();
    }
  });

  it('says why when they are missing, instead of failing later', () => {
    const fake = { context: { _ctx: {} }, model: {}, needsCheckpoints: false } as never;
    expect(directDecodeUnsupported(fake)).toMatch(/internals changed \(sequence\._sequenceId, .*context\._ctx\.decodeBatch/);
  });

  it('samples the tokens evaluate samples, and leaves the sequence as evaluate leaves it', async () => {
    const reference = await viaEvaluate(24);
    const sequence = context.getSequence();
    const decoder = new DirectDecoder(sequence, GREEDY);
    try {
      const tokens: Token[] = [];
      let input: Token[] = PROMPT;
      for (let i = 0; i < 24; i++) {
        const token = await decoder.next(input);
        tokens.push(token);
        input = [token];
      }
      expect(tokens).toEqual(reference.tokens);
      expect(new Set(tokens).size).toBeGreaterThan(1);
      // evaluate decodes PROMPT + 23 tokens for 24 samples: the last one sampled is not in the cache yet.
      expect(sequence.nextTokenIndex).toBe(reference.next);
      expect(sequence.contextTokens).toEqual(reference.context);
      expect(sequence.tokenMeter.getState()).toEqual(reference.meter);

      // evaluate carries on from that state, as if it had made all of it.
      const longer = await viaEvaluate(30);
      const iterator = sequence.evaluate([tokens.at(-1)!], GREEDY);
      const more: Token[] = [];
      for (let i = 0; i < 6; i++) more.push((await iterator.next()).value as Token);
      await iterator.return();
      expect([...tokens, ...more]).toEqual(longer.tokens);
    } finally {
      decoder.dispose();
      await sequence.dispose();
    }
  });

  it('refuses input past the end of the context, and use after dispose', async () => {
    const sequence = context.getSequence();
    const decoder = new DirectDecoder(sequence, GREEDY);
    try {
      await expect(decoder.next(Array.from({ length: 256 }, () => 5 as Token))).rejects.toThrow(/do not fit the 255 positions left/);
      expect(sequence.nextTokenIndex).toBe(0);
      decoder.dispose();
      await expect(decoder.next([5 as Token])).rejects.toThrow(/disposed/);
    } finally {
      decoder.dispose();
      await sequence.dispose();
    }
  });

  it('decodes what two decoders hand in during one run in one batch, and each samples what it samples alone', async () => {
    const reference = await viaEvaluate(10);
    const sequences = [context.getSequence(), context.getSequence()];
    const decoders = sequences.map((sequence) => new DirectDecoder(sequence, GREEDY));
    const initBatch = vi.spyOn((context as unknown as { _ctx: { initBatch(size: number): void } })._ctx, 'initBatch');
    try {
      const outputs: Token[][] = [[], []];
      let inputs: Token[][] = [PROMPT, PROMPT];
      for (let i = 0; i < 10; i++) {
        const tokens = await Promise.all(decoders.map((decoder, d) => decoder.next(inputs[d]!)));
        tokens.forEach((token, d) => outputs[d]!.push(token));
        inputs = tokens.map((token) => [token]);
      }
      expect(outputs).toEqual([reference.tokens, reference.tokens]);
      expect(initBatch.mock.calls).toEqual([[PROMPT.length * 2], ...Array.from({ length: 9 }, () => [2])]);
      expect(sequences.map((sequence) => sequence.nextTokenIndex)).toEqual([reference.next, reference.next]);
    } finally {
      initBatch.mockRestore();
      for (const decoder of decoders) decoder.dispose();
      await Promise.all(sequences.map((sequence) => sequence.dispose()));
    }
  });

  it("takes its threads from node-llama-cpp's splitter and gives every one back, with pauses between tokens", async () => {
    const splitter = (llama as unknown as { _threadsSplitter: { _activeThreads: number } })._threadsSplitter;
    const sequence = context.getSequence();
    const decoder = new DirectDecoder(sequence, GREEDY);
    const setThreads = vi.spyOn((context as unknown as { _ctx: { setThreads(n: number): void } })._ctx, 'setThreads');
    try {
      let input: Token[] = PROMPT;
      for (let i = 0; i < 4; i++) {
        input = [await decoder.next(input)];
        // A macrotask later node-llama-cpp frees the context's reservation; the next token reserves anew.
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(splitter._activeThreads).toBe(0);
      }
      expect(setThreads.mock.calls).toEqual([[1], [1], [1], [1]]);
      // A thread counted as busy forever would make this wait for ever.
      expect((await viaEvaluate(3)).tokens).toHaveLength(3);
    } finally {
      setThreads.mockRestore();
      decoder.dispose();
      await sequence.dispose();
    }
  });

  it("holds the context's lock: a cache edit on another sequence waits for the decode, and both stay right", async () => {
    const reference = await viaEvaluate(12);
    const other = context.getSequence();
    const sequence = context.getSequence();
    const decoder = new DirectDecoder(sequence, GREEDY);
    try {
      await other.evaluateWithoutGeneratingNewTokens([7, 8, 9, 10, 11, 12] as Token[]);
      const tokens: Token[] = [];
      let input: Token[] = PROMPT;
      for (let i = 0; i < 12; i++) {
        const pending = decoder.next(input);
        // Issued before the decode takes the lock or while it runs on the worker thread.
        const edit = i % 3 === 0 ? other.eraseContextTokenRanges([{ start: other.nextTokenIndex - 1, end: other.nextTokenIndex }]) : undefined;
        const token = await pending;
        await edit;
        tokens.push(token);
        input = [token];
      }
      expect(tokens).toEqual(reference.tokens);
      expect(other.contextTokens).toEqual([7, 8]);
    } finally {
      decoder.dispose();
      await sequence.dispose();
      await other.dispose();
    }
  });
});

describe('Generation: the direct path for plain-text replies', () => {
  const runtime = new EngineRuntime({ gpu: false, maxThreads: 1 });
  let counter = 0;
  const messages: ChatMessage[] = [{ role: 'user', content: 'tell me a story about a hearth' }];

  function generate(params: GenerateRequest['params'], onText?: (text: string) => void, extra: { logprobs?: { top: number }; responseFormat?: { type: 'json_object' } } = {}) {
    return runtime.generate({ op: 'generate', requestId: `d${++counter}`, messages, params, ...extra }, { onText: onText ?? (() => {}), onPromptProgress: () => {} });
  }

  beforeAll(async () => {
    const modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
    await runtime.load({ op: 'load', modelPath, contextSize: 512, threads: 1, parallel: 2, gpuLayers: 0, flashAttention: true }, () => {});
  });
  afterAll(() => runtime.dispose());

  it('takes it for every token of a lone plain reply, prompt end included', async () => {
    const next = vi.spyOn(DirectDecoder.prototype, 'next');
    try {
      const reply = await generate({ temperature: 0, maxTokens: 20 });
      expect(reply.stats.completionTokens).toBeGreaterThan(1);
      // One call per token sampled (the last one sampled may be an end-of-generation token).
      expect(next.mock.calls.length).toBeGreaterThanOrEqual(reply.stats.completionTokens);
      expect(next.mock.calls[0]![0].length).toBeGreaterThan(1);
    } finally {
      next.mockRestore();
    }
  });

  it('leaves it for a grammar and for log probabilities', async () => {
    const next = vi.spyOn(DirectDecoder.prototype, 'next');
    try {
      await generate({ temperature: 0, maxTokens: 8 }, undefined, { logprobs: { top: 2 } });
      await generate({ temperature: 0, maxTokens: 8 }, undefined, { responseFormat: { type: 'json_object' } });
      expect(next).not.toHaveBeenCalled();
    } finally {
      next.mockRestore();
    }
  });

  it('decodes company in the same batch, and gives a reply the same greedy text alone and with company joining and leaving', async () => {
    const params = { temperature: 0, maxTokens: 60 };
    const alone = await generate(params);
    expect(alone.stats.completionTokens).toBeGreaterThan(30);
    const next = vi.spyOn(DirectDecoder.prototype, 'next');
    const native = (runtime as unknown as { loaded: { context: { _ctx: { initBatch(size: number): void } } } }).loaded.context._ctx;
    const initBatch = vi.spyOn(native, 'initBatch');
    try {
      let chunks = 0;
      const company: Array<Promise<GenerateResult>> = [];
      const joined = await generate(params, () => {
        // Short replies start after a few tokens and end well before this one.
        chunks++;
        if (chunks === 5 || chunks === 20) company.push(generate({ temperature: 0, maxTokens: 4 }));
      });
      const companions = await Promise.all(company);
      expect(companions).toHaveLength(2);
      expect(joined.text).toBe(alone.text);
      for (const companion of companions) expect(companion.text).toBe((await generate({ temperature: 0, maxTokens: 4 })).text);
      // Every token of every reply decoded directly (the first sample of each with its prompt's end)...
      expect(next.mock.calls.length).toBeGreaterThanOrEqual(joined.stats.completionTokens + companions.reduce((sum, c) => sum + c.stats.completionTokens, 0));
      // ...and while two replies ran, one batch held a token of each.
      expect(initBatch.mock.calls.filter(([size]) => size === 2).length).toBeGreaterThanOrEqual(4);
    } finally {
      next.mockRestore();
      initBatch.mockRestore();
    }
  });

  it('leaves a seeded sampled reply to evaluate, so it gives the same text alone and in company', async () => {
    const params = { temperature: 0.9, seed: 1234, maxTokens: 40 };
    const next = vi.spyOn(DirectDecoder.prototype, 'next');
    try {
      const first = await generate(params);
      const [second] = await Promise.all([generate(params), generate({ temperature: 0, maxTokens: 10 })]);
      expect(second.text).toBe(first.text);
      const other = await generate({ ...params, seed: 99 });
      expect(other.text).not.toBe(first.text);
      // Only the greedy companion may have decoded directly (after the seeded reply ended).
      const unseeded = await generate({ temperature: 0.9, maxTokens: 10 });
      expect(unseeded.stats.completionTokens).toBeGreaterThan(0);
      expect(next.mock.calls.length).toBeGreaterThan(0);
      expect(next.mock.calls.length).toBeLessThanOrEqual(10 + unseeded.stats.completionTokens + 1);
    } finally {
      next.mockRestore();
    }
  });
});
