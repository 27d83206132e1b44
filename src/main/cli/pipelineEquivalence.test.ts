import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatDetail, ChatReplyResult } from '../../shared/chatDto';
import type { GenerationOutcome } from '../../shared/generation';
import { runCommand } from './run';
import { startApiServer } from '../hosts/api/apiServer';
import type { RunningApiServer } from '../core/server/apiServerController';
import { silentLogger } from '../core/logging/logger';
import { populateModelsDir } from '../testing/fixtureModels';
import { createTestCore } from '../testing/testCore';

// One request through every surface: the OpenAI route, the Ollama route, `hearth run` and a chat
// reply all go through the one generation pipeline, so at temperature 0 they must agree on the
// text, the finish reason and the token counts. Real engine, a generated model.
let env: Awaited<ReturnType<typeof createTestCore>>;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
let server: RunningApiServer;
/** Every outcome the pipeline produced, in order (the real pipeline runs; this only records). */
const outcomes: GenerationOutcome[] = [];

const PROMPT = 'Tell me about the sea';
const MAX_TOKENS = 12;

beforeAll(async () => {
  env = await createTestCore();
  ids = await populateModelsDir(env.modelsDir);
  const run = env.core.generation.run.bind(env.core.generation);
  env.core.generation.run = async (...args) => {
    const outcome = await run(...args);
    outcomes.push(outcome);
    return outcome;
  };
  await env.core.inference.loadModel({ modelId: ids.tinyId, contextSize: 512 });
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, apiKey: 'eq-key', logger: silentLogger, idleUnloadMs: 0 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: 'POST',
    headers: { Authorization: 'Bearer eq-key', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('the generation pipeline', () => {
  it('gives the same reply, finish reason and usage through OpenAI, Ollama, hearth run and a chat', async () => {
    const messages = [{ role: 'user', content: PROMPT }];
    const openai = (await post('/v1/chat/completions', { model: ids.tinyId, messages, temperature: 0, max_tokens: MAX_TOKENS })) as {
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const ollama = (await post('/api/chat', { model: ids.tinyId, messages, stream: false, options: { temperature: 0, num_predict: MAX_TOKENS } })) as {
      message: { content: string };
      done_reason: string;
      prompt_eval_count: number;
      eval_count: number;
    };
    const out: string[] = [];
    const code = await runCommand(
      { model: ids.tinyId, prompt: PROMPT, maxTokens: MAX_TOKENS, temperature: 0 },
      { core: env.core, modelsDir: env.modelsDir, out: { write: (text) => void out.push(text), isTTY: false }, err: () => {}, input: new PassThrough(), interactive: false, signal: new AbortController().signal },
    );
    expect(code).toBe(0);
    const call = <T>(method: string, args: unknown) => env.core.dispatch(method as never, args as never, {}) as Promise<T>;
    const chat = await call<ChatDetail>('chats.create', {});
    const reply = await call<ChatReplyResult>('chats.send', { chatId: chat.id, content: PROMPT, params: { temperature: 0, maxTokens: MAX_TOKENS } });

    // Four requests, four outcomes, all from the same model.
    expect(outcomes).toHaveLength(4);
    expect(new Set(outcomes.map((o) => o.modelId))).toEqual(new Set([ids.tinyId]));
    const [first] = outcomes;
    expect(first!.usage.completionTokens).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      expect(outcome.text).toBe(first!.text);
      expect(outcome.finishReason).toBe(first!.finishReason);
      expect(outcome.usage.promptTokens).toBe(first!.usage.promptTokens);
      expect(outcome.usage.completionTokens).toBe(first!.usage.completionTokens);
    }

    // And each surface shows it in its own words.
    const text = first!.text;
    expect(openai.choices[0]!.message.content).toBe(text);
    expect(openai.choices[0]!.finish_reason).toBe(first!.finishReason);
    expect([openai.usage.prompt_tokens, openai.usage.completion_tokens]).toEqual([first!.usage.promptTokens, first!.usage.completionTokens]);
    expect(ollama.message.content).toBe(text);
    expect(ollama.done_reason).toBe(first!.finishReason);
    expect([ollama.prompt_eval_count, ollama.eval_count]).toEqual([first!.usage.promptTokens, first!.usage.completionTokens]);
    // `hearth run` starts its first line at the prompt's edge.
    expect(out.join('')).toBe(`${text.trimStart()}\n`);
    expect(reply.message.content).toBe(text);
    expect(reply.message.reply?.stats?.completionTokens).toBe(first!.usage.completionTokens);
    expect(reply.message.reply?.stopReason).toBe(first!.stats.stopReason);
  }, 180_000);

  it('validates once and names a wrong field in each surface’s own words, before any generation', async () => {
    const before = outcomes.length;
    const openai = await fetch(`http://127.0.0.1:${server.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer eq-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: ids.tinyId, messages: [{ role: 'user', content: 'hi' }], temperature: 3 }),
    });
    expect(openai.status).toBe(400);
    const openaiError = ((await openai.json()) as { error: { param: string; message: string } }).error;
    expect(openaiError.param).toBe('temperature');
    expect(openaiError.message).toMatch(/temperature.*2/);
    const ollama = await fetch(`http://127.0.0.1:${server.port}/api/chat`, {
      method: 'POST',
      headers: { Authorization: 'Bearer eq-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: ids.tinyId, messages: [{ role: 'user', content: 'hi' }], stream: false, options: { top_p: 'high' } }),
    });
    expect(ollama.status).toBe(400);
    expect(((await ollama.json()) as { error: string }).error).toMatch(/options\.top_p/);
    // The same limit holds in the app: the chat's own parameters are checked against the same schema.
    const chat = await env.core.dispatch('chats.create' as never, {} as never, {}) as ChatDetail;
    await expect(env.core.dispatch('chats.send' as never, { chatId: chat.id, content: 'hi', params: { temperature: 3 } } as never, {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(outcomes.length).toBe(before);
  }, 60_000);
});
