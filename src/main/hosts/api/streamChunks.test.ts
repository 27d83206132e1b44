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
    for await (const chunk of stream) {
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

  it('the app’s own stream stays batched: fewer chunks than tokens on a fast model', async () => {
    const chunks: number[] = [];
    const outcome = await env.core.generation.run({ model: ids.tinyId, messages, sampling: { temperature: 0, maxTokens: 200 } }, new ModelOnDemand({ library: env.core.library, inference: env.core.inference, logger: silentLogger, idleUnloadMs: 0, onDemand: false }), {
      signal: new AbortController().signal,
      emit: (event) => {
        if (event.type === 'tokens') chunks.push(event.tokenCount);
      },
    });
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(outcome.usage.completionTokens);
    // Batched per ~16 ms: chunks carry several tokens each once generation is under way.
    expect(outcome.usage.completionTokens).toBeGreaterThanOrEqual(50);
    expect(chunks.length).toBeLessThan(outcome.usage.completionTokens);
  }, 120_000);
});
