import { describe, expect, it } from 'vitest';
import type { BridgeReply, HearthBridge } from '../env';
import { createBridgeTransport } from './bridgeTransport';
import { RpcError } from './errors';

function bridgeAnswering(answer: () => Promise<BridgeReply>): HearthBridge & { emit(event: string, payload: unknown): void } {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  return {
    call: answer,
    cancel() {},
    onEvent(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    emit(event, payload) {
      for (const listener of listeners) listener(event, payload);
    },
  };
}

describe('createBridgeTransport', () => {
  it('resolves with the value of an ok reply', async () => {
    const transport = createBridgeTransport(bridgeAnswering(async () => ({ ok: true, value: { threads: 2 } })));
    await expect(transport.call('app.getInfo', {})).resolves.toEqual({ threads: 2 });
    expect(transport.connection).toBe('open');
  });

  it('rejects an error reply with its code and message', async () => {
    const transport = createBridgeTransport(
      bridgeAnswering(async () => ({ ok: false, error: { code: 'BUSY', message: '"a.gguf" is still loading.' } })),
    );
    const error = await transport.call('inference.loadModel', { modelId: 'b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'BUSY', message: '"a.gguf" is still loading.' });
  });

  it('reads the error shape out of a rejection whose message is JSON', async () => {
    const transport = createBridgeTransport(
      bridgeAnswering(async () => {
        throw new Error(JSON.stringify({ code: 'ENGINE_CRASHED', message: 'The engine stopped.' }));
      }),
    );
    await expect(transport.call('inference.chat', {})).rejects.toMatchObject({ code: 'ENGINE_CRASHED', message: 'The engine stopped.' });
  });

  it('keeps other rejections as INTERNAL with their message', async () => {
    const transport = createBridgeTransport(
      bridgeAnswering(async () => {
        throw new Error('Error invoking remote method');
      }),
    );
    await expect(transport.call('app.getInfo', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'Error invoking remote method' });
  });

  it('rejects a reply of the wrong shape instead of passing it on', async () => {
    const transport = createBridgeTransport(bridgeAnswering(async () => ({ value: 1 }) as unknown as BridgeReply));
    await expect(transport.call('app.getInfo', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('forwards events until unsubscribed', () => {
    const bridge = bridgeAnswering(async () => ({ ok: true, value: null }));
    const transport = createBridgeTransport(bridge);
    const seen: string[] = [];
    const unsubscribe = transport.onEvent((event: string) => seen.push(event));
    bridge.emit('library.changed', { reason: 'x' });
    unsubscribe();
    bridge.emit('library.changed', { reason: 'y' });
    expect(seen).toEqual(['library.changed']);
  });
});
