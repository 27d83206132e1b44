import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatChunk, ChatResult, EmbedResult } from '../../../shared/dto';
import { MAX_EMBED_TEXTS } from '../../../shared/schemas';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureModel, populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

// Structured output, raw completions, embeddings and cache stats through the contract, with the
// engine in a real child process: what the chat workspace and the API server will call.
let core: Core;
let cleanup: () => Promise<void>;
let counter = 0;
let modelsDir: string;
const call = <T>(method: string, args: unknown = {}) => core.dispatch(method, args) as Promise<T>;

beforeAll(async () => {
  const test = await createTestCore();
  core = test.core;
  cleanup = test.cleanup;
  modelsDir = test.modelsDir;
  const ids = await populateModelsDir(test.modelsDir);
  await core.inference.loadModel({ modelId: ids.tinyId, parallel: 2 });
});
afterAll(() => cleanup());

describe('inference features through the contract', () => {
  it('inference.chat with a JSON schema returns conforming JSON and says it is valid', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' }, size: { enum: ['s', 'm', 'l'] } }, required: ['ok', 'size'] };
    const chunks: ChatChunk[] = [];
    const result = (await core.dispatch(
      'inference.chat',
      { requestId: `f${++counter}`, messages: [{ role: 'user', content: 'json please' }], params: { temperature: 0.9, seed: 5, maxTokens: 100 }, responseFormat: { type: 'json_schema', schema } },
      { emit: (chunk) => chunks.push(chunk as ChatChunk) },
    )) as ChatResult;
    const value = JSON.parse(result.text) as { ok: unknown; size: unknown };
    expect(typeof value.ok).toBe('boolean');
    expect(['s', 'm', 'l']).toContain(value.size);
    expect(result.json).toEqual({ valid: true });
    expect(chunks.flatMap((c) => (c.type === 'tokens' ? [c.text] : [])).join('')).toBe(result.text);
  });

  it('an unsupported schema is refused across the process boundary; the engine keeps running', async () => {
    const pid = core.fleet.engineOf().enginePid;
    await expect(
      call('inference.chat', { requestId: `f${++counter}`, messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json_schema', schema: { type: 'foo' } } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('"foo" is not a JSON Schema type') });
    expect(core.fleet.getState()).toMatchObject({ engine: { state: 'ready' }, activeRequests: [], queuedRequests: 0 });
    expect(core.fleet.engineOf().enginePid).toBe(pid);
  });

  it('turn 2 of a conversation evaluates only its new tokens (cachedPromptTokens)', async () => {
    const turn1 = [{ role: 'user' as const, content: 'hello there' }];
    const first = await call<ChatResult>('inference.chat', { requestId: `f${++counter}`, messages: turn1, params: { temperature: 0, maxTokens: 12 } });
    const turn2 = [...turn1, { role: 'assistant' as const, content: first.text }, { role: 'user' as const, content: 'and then?' }];
    const second = await call<ChatResult>('inference.chat', { requestId: `f${++counter}`, messages: turn2, params: { temperature: 0, maxTokens: 12 } });
    const evaluated = second.stats.promptTokens - second.stats.cachedPromptTokens;
    expect(second.stats.cachedPromptTokens).toBeGreaterThanOrEqual(first.stats.promptTokens - 1);
    expect(evaluated).toBeLessThan(second.stats.promptTokens - first.stats.promptTokens + first.stats.completionTokens + 2);
    expect(second.stats).toMatchObject({ completionTokens: 12, stopReason: 'length' });
    expect(second.stats.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(second.stats.tokensPerSecond).toBeGreaterThan(0);
  });

  it('a raw completion (no template) goes through the same queue, streams and reports stats', async () => {
    const chunks: ChatChunk[] = [];
    const result = await core.inference.complete(
      { requestId: `f${++counter}`, prompt: 'Once upon a time', params: { temperature: 0, maxTokens: 16 } },
      { signal: new AbortController().signal, emit: (chunk) => chunks.push(chunk) },
    );
    expect(result.stats).toMatchObject({ completionTokens: 16, stopReason: 'length', cachedPromptTokens: expect.any(Number) });
    expect(chunks.flatMap((c) => (c.type === 'tokens' ? [c.text] : [])).join('')).toBe(result.text);
  });

  it('inference.embed returns one unit vector per text; bad input is refused before the engine', async () => {
    const result = await call<EmbedResult>('inference.embed', { texts: ['alpha beta', 'alpha beta', 'gamma delta'] });
    expect(result.vectors.map((v) => v.length)).toEqual([64, 64, 64]);
    expect(result.vectors[1]).toEqual(result.vectors[0]);
    expect(result.vectors[2]).not.toEqual(result.vectors[0]);
    expect(result.promptTokens).toBeGreaterThan(3);
    await expect(call('inference.embed', { texts: Array(MAX_EMBED_TEXTS + 1).fill('x') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('inference.embed', { texts: [] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('inference.embed', { texts: ['word '.repeat(1000)] })).rejects.toMatchObject({ code: 'CONTEXT_OVERFLOW' });
  });

  it('embeddings wait in the reply queue and hold a slot while they run: a load meanwhile is refused', async () => {
    const params = { temperature: 0.8, seed: 9, maxTokens: 150 };
    const replies = [1, 2].map(() => call<ChatResult>('inference.chat', { requestId: `f${++counter}`, messages: [{ role: 'user', content: 'hi' }], params }));
    // Both replies hold their sequences before the embedding asks (vi.waitFor polls, bounded).
    await vi.waitFor(() => expect(core.fleet.getState().activeRequests).toHaveLength(2), { timeout: 30_000, interval: 5 });
    const embedding = call<EmbedResult>('inference.embed', { texts: ['queued behind two replies'] });
    await vi.waitFor(() => expect(core.fleet.getState().queuedRequests).toBe(1), { timeout: 30_000, interval: 5 });
    await expect(call('inference.loadModel', { modelId: core.fleet.primary!.modelId })).rejects.toMatchObject({ code: 'BUSY' });
    await expect(embedding).resolves.toMatchObject({ vectors: [expect.any(Array)] });
    await Promise.all(replies);
    expect(core.fleet.getState()).toMatchObject({ queuedRequests: 0, activeRequests: [] });
  });

  // Last: it reloads the model.
  it('loads with a quantized KV cache, a batch size and without mmap, says so, predicts less memory, and still replies', async () => {
    const tinyId = core.fleet.primary!.modelId;
    await expect(call('inference.loadModel', { modelId: tinyId, kvCacheType: 'q8_0', flashAttention: false })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('needs flash attention') });
    // The tiny model's 16-wide heads cannot hold q8_0 blocks of 32: llama.cpp's own reason comes back.
    await expect(call('inference.loadModel', { modelId: tinyId, kvCacheType: 'q8_0', force: true })).rejects.toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/could not create the context.*does not divide/) });
    const modelId = 'smollm2-q4_0.gguf';
    await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(modelsDir, modelId));
    const f16 = await core.inference.loadModel({ modelId, contextSize: 2048, parallel: 1, force: true });
    expect(f16.settings).toMatchObject({ kvCacheType: 'f16', flashAttention: true, mmap: true });
    const q8 = await core.inference.loadModel({ modelId, contextSize: 2048, parallel: 1, kvCacheType: 'q8_0', batchSize: 64, mmap: false, force: true });
    expect(q8.settings).toMatchObject({ kvCacheType: 'q8_0', flashAttention: true, batchSize: 64, mmap: false, contextSize: 2048 });
    expect(q8.memory!.predicted.ramBytes).toBeLessThan(f16.memory!.predicted.ramBytes);
    const reply = await call<ChatResult>('inference.chat', { requestId: `f${++counter}`, messages: [{ role: 'user', content: 'hi' }], params: { temperature: 0, maxTokens: 8 } });
    expect(reply.stats.completionTokens).toBeGreaterThan(0);
    // Generates a 135M fixture on a fresh machine and loads three times: a margin, not a speed claim.
  }, 180_000);
});
