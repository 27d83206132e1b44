import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelOnDemand } from '../../core/generation/modelOnDemand';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';

// API streams carry about one token per chunk, as OpenAI, Ollama and llama-server send them (a
// structured-output parser on the client sees each partial object); the app's own chat stream
// stays batched per frame. Real engine, a generated model.
let env: Awaited<ReturnType<typeof createTestCore>>;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
let server: RunningApiServer;

beforeAll(async () => {
  env = await createTestCore();
  ids = await populateModelsDir(env.modelsDir);
  await env.core.inference.loadModel({ modelId: ids.tinyId, contextSize: 512 });
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, apiKey: 'chunk-key', logger: silentLogger, idleUnloadMs: 0 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

const MAX_TOKENS = 24;
// A random-weight model may end early; a seed that runs the whole length is not assumed, only counted.
const messages = [{ role: 'user' as const, content: 'Count to a hundred' }];

describe('API streaming granularity', () => {
  it('OpenAI chat completions stream one content chunk per generated token', async () => {
    const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'chunk-key', timeout: 60_000, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: ids.tinyId, messages, max_tokens: MAX_TOKENS, temperature: 0, stream: true, stream_options: { include_usage: true } });
    let deltas = 0;
    let text = '';
    let completionTokens = 0;
    const fingerprints = new Set<string | undefined>();
    for await (const chunk of stream) {
      fingerprints.add(chunk.system_fingerprint);
      const content = chunk.choices[0]?.delta.content;
      if (content) {
        deltas++;
        text += content;
      }
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
    }
    expect(completionTokens).toBeGreaterThan(4);
    // A piece that is not valid UTF-8 yet waits for the next token, so a few tokens may share one.
    expect(deltas).toBeGreaterThanOrEqual(Math.ceil(completionTokens * 0.75));
    expect(deltas).toBeLessThanOrEqual(completionTokens);
    expect(text.length).toBeGreaterThan(0);
    // One backend configuration, named the same in every chunk and in a whole answer.
    expect(fingerprints.size).toBe(1);
    const [fingerprint] = [...fingerprints];
    expect(fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    const whole = await client.chat.completions.create({ model: ids.tinyId, messages, max_tokens: 2 });
    expect(whole.system_fingerprint).toBe(fingerprint);
  }, 120_000);

  it('Ollama chat streams one line per generated token', async () => {
    const ollama = new Ollama({ host: `http://127.0.0.1:${server.port}`, headers: { Authorization: 'Bearer chunk-key' } });
    const stream = await ollama.chat({ model: ids.tinyId, messages, stream: true, options: { temperature: 0, num_predict: MAX_TOKENS } });
    let pieces = 0;
    let evalCount = 0;
    for await (const part of stream) {
      if (part.message.content) pieces++;
      if (part.done) evalCount = part.eval_count;
    }
    expect(evalCount).toBeGreaterThan(4);
    expect(pieces).toBeGreaterThanOrEqual(Math.ceil(evalCount * 0.75));
    expect(pieces).toBeLessThanOrEqual(evalCount);
  }, 120_000);

  it('n = 3 gives three choices (different with a seed), streamed with their own indexes, usage counting the prompt once', async () => {
    const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'chunk-key', timeout: 60_000, maxRetries: 0 });
    const whole = await client.chat.completions.create({ model: ids.tinyId, messages, max_tokens: 12, temperature: 1.5, seed: 42, n: 3 });
    expect(whole.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(whole.choices.map((c) => c.message.content)).size).toBeGreaterThan(1);
    const single = await client.chat.completions.create({ model: ids.tinyId, messages, max_tokens: 12, temperature: 1.5, seed: 42 });
    // Choice 0 is the request with its own seed; the others use seed + index.
    expect(whole.choices[0]!.message.content).toBe(single.choices[0]!.message.content);
    expect(whole.usage!.prompt_tokens).toBe(single.usage!.prompt_tokens);
    expect(whole.usage!.completion_tokens).toBeGreaterThan(single.usage!.completion_tokens);

    const stream = await client.chat.completions.create({ model: ids.tinyId, messages, max_tokens: 12, temperature: 1.5, seed: 42, n: 3, stream: true });
    const texts = ['', '', ''];
    const finished = new Set<number>();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.delta.content ?? '';
        if (choice.finish_reason) finished.add(choice.index);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(texts).toEqual(whole.choices.map((c) => c.message.content));
    expect([...finished].sort()).toEqual([0, 1, 2]);
    expect(usage?.completion_tokens).toBe(whole.usage!.completion_tokens);
  }, 120_000);

  it('echo on a text completion returns the prompt before the completion, streamed or not', async () => {
    const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'chunk-key', timeout: 60_000, maxRetries: 0 });
    const prompt = 'Once upon a time';
    const plain = await client.completions.create({ model: ids.tinyId, prompt, max_tokens: 8, temperature: 0 });
    const echoed = await client.completions.create({ model: ids.tinyId, prompt, max_tokens: 8, temperature: 0, echo: true });
    expect(echoed.choices[0]!.text).toBe(`${prompt}${plain.choices[0]!.text}`);
    const stream = await client.completions.create({ model: ids.tinyId, prompt, max_tokens: 8, temperature: 0, echo: true, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(echoed.choices[0]!.text);
  }, 120_000);

  it('logprobs: each generated token with its log probability and its likeliest alternatives, whole and streamed', async () => {
    const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'chunk-key', timeout: 60_000, maxRetries: 0 });
    const asked = { model: ids.tinyId, messages, max_tokens: 10, temperature: 0.8, seed: 3, logprobs: true, top_logprobs: 5 } as const;
    const whole = await client.chat.completions.create(asked);
    const content = whole.choices[0]!.logprobs!.content!;
    expect(content).toHaveLength(whole.usage!.completion_tokens);
    for (const entry of content) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs).toHaveLength(5);
      const tops = entry.top_logprobs.map((t) => t.logprob);
      expect([...tops].sort((a, b) => b - a)).toEqual(tops);
      expect(tops.reduce((sum, lp) => sum + Math.exp(lp), 0)).toBeLessThanOrEqual(1 + 1e-6);
      // The chosen token is at most as likely as the likeliest one, and appears among the top ones with its own logprob when it is one of them.
      expect(entry.logprob).toBeLessThanOrEqual(tops[0]! + 1e-9);
      const same = entry.top_logprobs.find((t) => t.token === entry.token);
      if (same) expect(same.logprob).toBeCloseTo(entry.logprob, 6);
      expect(Buffer.from(entry.bytes ?? []).toString('utf8')).toBe(entry.token);
    }

    const stream = await client.chat.completions.create({ ...asked, stream: true });
    const streamed: typeof content = [];
    for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
    expect(streamed).toEqual(content);

    const legacy = await client.completions.create({ model: ids.tinyId, prompt: 'Once upon a time', max_tokens: 6, temperature: 0, logprobs: 3 });
    const lp = legacy.choices[0]!.logprobs!;
    expect(lp.tokens).toHaveLength(legacy.usage!.completion_tokens);
    expect(lp.token_logprobs).toHaveLength(lp.tokens!.length);
    expect(lp.text_offset![0]).toBe(0);
    for (const top of lp.top_logprobs!) expect(Object.keys(top).length).toBeLessThanOrEqual(3);

    await expect(client.chat.completions.create({ ...asked, top_logprobs: 21 })).rejects.toMatchObject({ status: 400, param: 'top_logprobs' });
    // Without logprobs asked for, none are sent.
    const plain = await client.chat.completions.create({ model: ids.tinyId, messages, max_tokens: 4 });
    expect(plain.choices[0]!.logprobs).toBeNull();
  }, 120_000);

  it('token ids as a completion prompt and as embedding input; an id outside the vocabulary is refused and the engine stays up', async () => {
    const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'chunk-key', timeout: 60_000, maxRetries: 0 });
    // The ids the engine would make of the text (BOS included), from the same file's vocabulary.
    const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: 1, logLevel: LlamaLogLevel.error });
    const vocab = await llama.loadModel({ modelPath: (await env.core.library.getModel(ids.tinyId)).path, vocabOnly: true });
    const prompt = 'Once upon a time';
    const tokens = vocab.tokenize(prompt, true);
    if (vocab.tokens.shouldPrependBosToken && vocab.tokens.bos !== null) tokens.unshift(vocab.tokens.bos);
    await vocab.dispose();
    const asText = await client.completions.create({ model: ids.tinyId, prompt, max_tokens: 8, temperature: 0 });
    const asIds = await client.completions.create({ model: ids.tinyId, prompt: [...tokens], max_tokens: 8, temperature: 0 });
    expect(asIds.choices[0]!.text).toBe(asText.choices[0]!.text);
    expect(asIds.usage!.prompt_tokens).toBe(tokens.length);
    await expect(client.completions.create({ model: ids.tinyId, prompt: [1, 2, 9_999_999], max_tokens: 2 })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/not in this model's vocabulary/) });

    const byIds = await client.embeddings.create({ model: ids.tinyId, input: [[...tokens], [...tokens].reverse()], encoding_format: 'float' });
    const byText = await client.embeddings.create({ model: ids.tinyId, input: prompt, encoding_format: 'float' });
    expect(byIds.data).toHaveLength(2);
    expect(byIds.data[0]!.embedding.length).toBe(byText.data[0]!.embedding.length);
    expect(byIds.data[0]!.embedding).not.toEqual(byIds.data[1]!.embedding);
    await expect(client.embeddings.create({ model: ids.tinyId, input: [[5, 9_999_999]] })).rejects.toMatchObject({ status: 400 });
    // Still answering after the refusals: the bad ids never reached llama.cpp.
    const after = await client.completions.create({ model: ids.tinyId, prompt, max_tokens: 8, temperature: 0 });
    expect(after.choices[0]!.text).toBe(asText.choices[0]!.text);
  }, 120_000);

  it('the app’s own stream stays batched: fewer chunks than tokens on a fast model', async () => {
    const chunks: number[] = [];
    const outcome = await env.core.generation.run({ model: ids.tinyId, messages, sampling: { temperature: 0, maxTokens: 200 } }, new ModelOnDemand({ library: env.core.library, inference: env.core.inference, logger: silentLogger, idleUnloadMs: 0, onDemand: false }), {
      signal: new AbortController().signal,
      emit: (event) => {
        if (event.type === 'tokens') chunks.push(event.tokenCount);
      },
    });
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(outcome.usage.completionTokens);
    // Batched per engine message (STREAM_FLUSH_MS): chunks carry several tokens each once generation is under way.
    expect(outcome.usage.completionTokens).toBeGreaterThanOrEqual(50);
    expect(chunks.length).toBeLessThan(outcome.usage.completionTokens);
  }, 120_000);
});
