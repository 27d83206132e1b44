import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatChunk, ChatResult, InferenceState, LoadedModel, ModelInfo } from '../../shared/dto';
import type { AppEvents } from '../../shared/events';
import { populateModelsDir } from '../testing/fixtureModels';
import { createTestCore } from '../testing/testCore';
import type { Core } from './createCore';

// The whole core through its dispatcher, with the engine in a real child process.
let core: Core;
let cleanup: () => Promise<void>;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
let modelsDir: string;
const call = <T>(method: string, args: unknown = {}) => core.dispatch(method, args) as Promise<T>;

beforeAll(async () => {
  const test = await createTestCore();
  core = test.core;
  cleanup = test.cleanup;
  modelsDir = test.modelsDir;
  ids = await populateModelsDir(modelsDir);
});
afterAll(() => cleanup());

describe('core with a forked engine', () => {
  it('lists models with metadata, and a garbage file as unreadable with a reason', async () => {
    const models = await call<ModelInfo[]>('library.listModels');
    expect(models.map((m) => m.id).sort()).toEqual([ids.garbageId, ids.looseId, ids.tinyId].sort());
    const tiny = models.find((m) => m.id === ids.tinyId)!;
    expect(tiny).toMatchObject({ status: 'ok', publisher: 'hearth-test', repo: 'tiny-GGUF' });
    expect(tiny.metadata).toMatchObject({ architecture: 'llama', quantization: 'Q4_0', trainedContextLength: 512, layers: 2 });
    expect(tiny.metadata!.parameterCount).toBeGreaterThan(10_000);
    const loose = models.find((m) => m.id === ids.looseId)!;
    expect(loose.publisher).toBeUndefined();
    expect(loose.metadata?.quantization).toBe('F16');
    const garbage = models.find((m) => m.id === ids.garbageId)!;
    expect(garbage.status).toBe('unreadable');
    expect(garbage.error).toBeTruthy();
    await expect(call('inference.loadModel', { modelId: ids.garbageId })).rejects.toMatchObject({ code: 'MODEL_UNREADABLE' });
    await expect(call('inference.loadModel', { modelId: 'nope.gguf' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('loads with progress, streams chunks to the caller that add up to the reply, and unloads', async () => {
    const events: Array<{ event: keyof AppEvents; payload: unknown }> = [];
    const unsubscribe = core.events.subscribe((event, payload) => events.push({ event, payload }));
    const loaded = await call<LoadedModel>('inference.loadModel', { modelId: ids.tinyId });
    expect(loaded).toMatchObject({ modelId: ids.tinyId, settings: { contextSize: 512, threads: 1 } });
    expect(loaded.settings.parallel).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.event === 'inference.loadProgressed')).toBe(true);
    const state = await call<InferenceState>('inference.getState');
    expect(state.loaded?.modelId).toBe(ids.tinyId);
    expect(state.engine.state).toBe('ready');

    const chunks: ChatChunk[] = [];
    const result = (await core.dispatch(
      'inference.chat',
      { requestId: 'req-1', messages: [{ role: 'user', content: 'hi' }], params: { temperature: 0.7, seed: 11, maxTokens: 64 } },
      { emit: (chunk) => chunks.push(chunk as ChatChunk) },
    )) as ChatResult;
    unsubscribe();
    const tokenChunks = chunks.flatMap((c) => (c.type === 'tokens' ? [c] : []));
    expect(tokenChunks.map((c) => c.text).join('')).toBe(result.text);
    expect(tokenChunks.reduce((sum, c) => sum + c.tokenCount, 0)).toBe(result.stats.completionTokens);
    // Reply text never goes out on the bus that every window hears.
    expect(JSON.stringify(events)).not.toContain(result.text.slice(0, 20));

    await expect(call('inference.unloadModel')).resolves.toEqual({ unloaded: true });
    await expect(call('inference.chat', { requestId: 'r2', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      code: 'MODEL_NOT_LOADED',
    });
  });

  it('survives the engine process dying mid-reply: clear error, state reset, next load works', async () => {
    await call('inference.loadModel', { modelId: ids.tinyId });
    const pid = core.fleet.engineOf().enginePid!;
    expect(pid).toBeGreaterThan(0);
    let killed = false;
    const reply = core.dispatch(
      'inference.chat',
      { requestId: 'doomed', messages: [{ role: 'user', content: 'hi' }], params: { maxTokens: 400, temperature: 0.8, seed: 1 } },
      {
        emit: (chunk) => {
          if ((chunk as ChatChunk).type === 'tokens' && !killed) {
            killed = true;
            process.kill(pid, 'SIGKILL');
          }
        },
      },
    );
    await expect(reply).rejects.toMatchObject({ code: 'ENGINE_CRASHED' });
    const state = await call<InferenceState>('inference.getState');
    expect(state.engine.state).toBe('crashed');
    expect(state.engine.lastError).toMatch(/SIGKILL/);
    expect(state.loaded).toBeNull();
    expect(state.activeRequests).toEqual([]);

    await call('inference.loadModel', { modelId: ids.tinyId });
    expect(core.fleet.engineOf().enginePid).not.toBe(pid);
    const again = await call<ChatResult>('inference.chat', {
      requestId: 'after',
      messages: [{ role: 'user', content: 'hi' }],
      params: { maxTokens: 8, temperature: 0 },
    });
    expect(again.stats.completionTokens).toBe(8);
  });

  it('lists a truncated model as unreadable with the reason, and refuses to load it', async () => {
    const bytes = await readFile(join(modelsDir, ids.tinyId));
    await writeFile(join(modelsDir, 'truncated.gguf'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const listed = (await call<ModelInfo[]>('library.listModels')).find((m) => m.id === 'truncated.gguf');
    expect(listed).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/the file ends inside the data of tensor .* \(cut short\?/) });
    await expect(call('inference.loadModel', { modelId: 'truncated.gguf' })).rejects.toMatchObject({ code: 'MODEL_UNREADABLE' });
  });

  it("reports llama.cpp's own reason when only loading reveals the damage, and the engine stays usable", async () => {
    const bytes = Buffer.from(await readFile(join(modelsDir, ids.tinyId)));
    // Rename one tensor (same length): the header is well-formed, but the model lacks a tensor llama.cpp needs.
    const at = bytes.indexOf('blk.1.attn_norm.weight');
    expect(at).toBeGreaterThan(0);
    bytes.write('blk.1.attn_xorm.weight', at, 'latin1');
    await writeFile(join(modelsDir, 'renamed.gguf'), bytes);
    const listed = (await call<ModelInfo[]>('library.listModels')).find((m) => m.id === 'renamed.gguf');
    expect(listed?.status).toBe('ok');
    const pid = core.fleet.engineOf().enginePid;
    await expect(call('inference.loadModel', { modelId: 'renamed.gguf' })).rejects.toMatchObject({
      code: 'MODEL_UNREADABLE',
      message: expect.stringContaining("missing tensor 'blk.1.attn_norm.weight'"),
    });
    const state = await call<InferenceState>('inference.getState');
    expect(state.loading).toBeNull();
    expect(state.engine.state).toBe('ready');
    expect(core.fleet.engineOf().enginePid).toBe(pid);
    await expect(call<LoadedModel>('inference.loadModel', { modelId: ids.tinyId })).resolves.toMatchObject({ modelId: ids.tinyId });
  });

  it('stops a running reply on request', async () => {
    let resolveFirst: () => void = () => {};
    const first = new Promise<void>((resolve) => (resolveFirst = resolve));
    const chat = core.dispatch(
      'inference.chat',
      { requestId: 'long', messages: [{ role: 'user', content: 'hi' }], params: { maxTokens: 450, temperature: 0.8, seed: 2 } },
      { emit: (chunk) => (chunk as ChatChunk).type === 'tokens' && resolveFirst() },
    ) as Promise<ChatResult>;
    await first;
    await expect(call('inference.stop', { requestId: 'long' })).resolves.toEqual({ stopped: true });
    const result = await chat;
    expect(result.stats.stopReason).toBe('abort');
    expect(result.stats.completionTokens).toBeLessThan(450);
  });
});
