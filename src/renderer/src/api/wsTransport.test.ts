import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage, WireCall, WireCancel } from '../../../shared/wire';
import { RpcError } from './errors';
import { createWsTransport, type SocketLike } from './wsTransport';

/** A socket the test opens, answers and closes by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Array<WireCall | WireCancel> = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;

  constructor(readonly url: string) {}

  send(data: string) {
    this.sent.push(JSON.parse(data) as WireCall | WireCancel);
  }

  open() {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }

  receive(message: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }

  drop() {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const onFirstOpen = vi.fn();
  const transport = createWsTransport('ws://host/rpc', {
    onFirstOpen,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  const latest = () => sockets[sockets.length - 1]!;
  return { transport, sockets, latest, onFirstOpen };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createWsTransport', () => {
  it('sends calls as wire messages and resolves with the matching result', async () => {
    const { transport, latest } = setup();
    latest().open();
    const a = transport.call('inference.getState', {});
    const b = transport.call('library.listModels', {});
    const [first, second] = latest().sent;
    expect(first).toEqual({ type: 'call', id: first!.id, method: 'inference.getState', args: {} });
    expect(second!.id).not.toBe(first!.id);
    latest().receive({ type: 'result', id: second!.id, ok: true, value: ['m'] });
    latest().receive({ type: 'result', id: first!.id, ok: true, value: { loaded: null } });
    await expect(a).resolves.toEqual({ loaded: null });
    await expect(b).resolves.toEqual(['m']);
  });

  it('rejects with an RpcError carrying the server’s code and message', async () => {
    const { transport, latest } = setup();
    latest().open();
    const call = transport.call('inference.chat', {});
    latest().receive({
      type: 'result',
      id: latest().sent[0]!.id,
      ok: false,
      error: { code: 'MODEL_NOT_LOADED', message: 'No model is loaded. Load a model first.' },
    });
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'MODEL_NOT_LOADED', message: 'No model is loaded. Load a model first.' });
  });

  it('queues calls made before the socket opens and sends them on open', async () => {
    const { transport, latest, onFirstOpen } = setup();
    const call = transport.call('app.getInfo', {});
    expect(latest().sent).toHaveLength(0);
    latest().open();
    expect(onFirstOpen).toHaveBeenCalledTimes(1);
    expect(latest().sent.map((m) => (m.type === 'call' ? m.method : m.type))).toEqual(['app.getInfo']);
    latest().receive({ type: 'result', id: latest().sent[0]!.id, ok: true, value: { version: '1' } });
    await expect(call).resolves.toEqual({ version: '1' });
  });

  it('fails a queued call after 10 s without a connection', async () => {
    const { transport } = setup();
    const call = transport.call('app.getInfo', {});
    const settled = call.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(9_999);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled).toMatchObject({ code: 'DISCONNECTED' });
  });

  it('rejects every pending call when the socket closes, then reconnects with growing delays', async () => {
    const { transport, sockets, latest, onFirstOpen } = setup();
    latest().open();
    const states: string[] = [];
    transport.onConnectionChange((state) => states.push(state));
    const pending = transport.call('inference.chat', {}).catch((e: unknown) => e);
    latest().drop();
    const error = await pending;
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).message).toContain('Connection to Hearth lost');
    expect(transport.connection).toBe('closed');

    // 250 ms, then 500 ms, then 1 s ... capped at 5 s.
    await vi.advanceTimersByTimeAsync(249);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    latest().drop();
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    for (let i = 0; i < 8; i++) {
      latest().drop();
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(sockets).toHaveLength(11);

    latest().open();
    expect(transport.connection).toBe('open');
    expect(states).toContain('closed');
    expect(states[states.length - 1]).toBe('open');
    expect(onFirstOpen).toHaveBeenCalledTimes(1);

    // After a successful open the delay starts again at 250 ms.
    latest().drop();
    await vi.advanceTimersByTimeAsync(250);
    expect(sockets).toHaveLength(12);
  });

  it('delivers pushed events to listeners until they unsubscribe', () => {
    const { transport, latest } = setup();
    latest().open();
    const seen: [string, unknown][] = [];
    const unsubscribe = transport.onEvent((event: string, payload: unknown) => seen.push([event, payload]));
    const payload = { modelId: 'm', progress: 0.5 };
    latest().receive({ type: 'event', event: 'inference.loadProgressed', payload });
    unsubscribe();
    latest().receive({ type: 'event', event: 'inference.loadProgressed', payload });
    expect(seen).toEqual([['inference.loadProgressed', payload]]);
  });

  it("hands a call's chunks to that call only, and sends a cancel when its signal aborts", async () => {
    const { transport, latest } = setup();
    latest().open();
    const mine: unknown[] = [];
    const other: unknown[] = [];
    const controller = new AbortController();
    const call = transport.call('inference.chat', { requestId: 'a' }, { onChunk: (c) => mine.push(c), signal: controller.signal });
    const second = transport.call('inference.chat', { requestId: 'b' }, { onChunk: (c) => other.push(c) });
    const [first, next] = latest().sent;
    latest().receive({ type: 'chunk', id: first!.id, chunk: { type: 'tokens', text: 'x', tokenCount: 1 } });
    latest().receive({ type: 'chunk', id: next!.id, chunk: { type: 'tokens', text: 'y', tokenCount: 1 } });
    controller.abort();
    expect(latest().sent.at(-1)).toEqual({ type: 'cancel', id: first!.id });
    latest().receive({ type: 'result', id: first!.id, ok: true, value: 'done' });
    latest().receive({ type: 'result', id: next!.id, ok: true, value: 'done too' });
    await expect(call).resolves.toBe('done');
    await expect(second).resolves.toBe('done too');
    expect(mine).toEqual([{ type: 'tokens', text: 'x', tokenCount: 1 }]);
    expect(other).toEqual([{ type: 'tokens', text: 'y', tokenCount: 1 }]);
  });

  it('ignores malformed messages and results for unknown ids', async () => {
    const { transport, latest } = setup();
    latest().open();
    const call = transport.call('app.getInfo', {});
    latest().onmessage?.({ data: 'not json' } as MessageEvent);
    latest().receive({ type: 'result', id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'x' } });
    latest().receive({ type: 'result', id: latest().sent[0]!.id, ok: true, value: 1 });
    await expect(call).resolves.toBe(1);
  });
});
