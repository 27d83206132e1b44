import { describe, expect, it, vi } from 'vitest';
import type { Handlers } from './contract';
import { createDispatcher } from './dispatcher';
import { AppError } from './errors';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const fail = async () => {
    throw new Error('not used in this test');
  };
  return {
    'app.getInfo': fail,
    'library.listModels': async () => [],
    'inference.getState': fail,
    'inference.loadModel': fail,
    'inference.unloadModel': fail,
    'inference.chat': fail,
    'inference.stop': fail,
    ...overrides,
  } as Handlers;
}

describe('dispatcher', () => {
  it('rejects unknown methods with UNKNOWN_METHOD', async () => {
    const dispatch = createDispatcher(handlers());
    await expect(dispatch('inference.explode', {})).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(dispatch('__proto__', {})).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(dispatch('toString', {})).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
  });

  it('rejects bad arguments with BAD_REQUEST naming the field, without calling the handler', async () => {
    const load = vi.fn(async () => {
      throw new Error('must not run');
    });
    const dispatch = createDispatcher(handlers({ 'inference.loadModel': load }));
    const error = await dispatch('inference.loadModel', { modelId: 42 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_REQUEST');
    expect((error as AppError).message).toContain('modelId');
    await expect(dispatch('inference.loadModel', { modelId: 'a', contextSize: 10 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(dispatch('inference.loadModel', { modelId: 'a', extra: true })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      dispatch('inference.chat', { requestId: 'r', messages: [{ role: 'robot', content: 'hi' }] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(load).not.toHaveBeenCalled();
  });

  it('passes validated arguments to the handler and returns its result', async () => {
    const chat = vi.fn(async (args: { requestId: string }) => ({
      requestId: args.requestId,
      text: 'ok',
      stats: {} as never,
    }));
    const dispatch = createDispatcher(handlers({ 'inference.chat': chat as unknown as Handlers['inference.chat'] }));
    const result = await dispatch('inference.chat', {
      requestId: 'r1',
      messages: [{ role: 'user', content: 'hello' }],
      params: { temperature: 0, seed: 7 },
    });
    expect(result).toMatchObject({ requestId: 'r1', text: 'ok' });
    expect(chat).toHaveBeenCalledWith(
      {
        requestId: 'r1',
        messages: [{ role: 'user', content: 'hello' }],
        params: { temperature: 0, seed: 7 },
      },
      expect.objectContaining({ signal: expect.any(AbortSignal), emit: expect.any(Function) }),
    );
  });

  it("hands the caller's signal and chunk sink to the handler", async () => {
    const chunks: unknown[] = [];
    const controller = new AbortController();
    const chat = vi.fn(async (args: { requestId: string }, context: { signal: AbortSignal; emit(c: unknown): void }) => {
      context.emit({ type: 'tokens', text: 'a', tokenCount: 1 });
      controller.abort();
      return { requestId: args.requestId, text: context.signal.aborted ? 'aborted' : 'running', stats: {} as never };
    });
    const dispatch = createDispatcher(handlers({ 'inference.chat': chat as unknown as Handlers['inference.chat'] }));
    const result = await dispatch(
      'inference.chat',
      { requestId: 'r2', messages: [{ role: 'user', content: 'x' }] },
      { signal: controller.signal, emit: (chunk) => chunks.push(chunk) },
    );
    expect(chunks).toEqual([{ type: 'tokens', text: 'a', tokenCount: 1 }]);
    expect(result).toMatchObject({ text: 'aborted' });
  });

  it('keeps a BAD_REQUEST message short however many keys were wrong', async () => {
    const dispatch = createDispatcher(handlers());
    const args: Record<string, number> = { modelId: 1 };
    for (let i = 0; i < 50_000; i++) args[`unknown_key_${i}`] = i;
    const error = (await dispatch('inference.loadModel', args).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message.length).toBeLessThan(1_000);
  });

  it('treats missing arguments as an empty object for methods without arguments', async () => {
    const dispatch = createDispatcher(handlers());
    await expect(dispatch('library.listModels', undefined)).resolves.toEqual([]);
    await expect(dispatch('library.listModels', { unexpected: 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
