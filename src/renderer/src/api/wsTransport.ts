import type { AppEvents, EventName } from '../../../shared/events';
import type { CallOptions } from '../../../shared/contract';
import { RPC_PATH, type ClientMessage, type ServerMessage, type WireCall } from '../../../shared/wire';
import { RpcError } from './errors';
import type { ConnectionState, RendererTransport } from './types';

/** Reconnect delays: 250 ms doubling up to 5 s, reset after a successful open. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;
/** How long a call made while disconnected waits for the connection before failing. */
const CONNECT_WAIT_MS = 10_000;

const LOST_MESSAGE = 'Connection to Hearth lost. Try again once it reconnects.';
const UNREACHABLE_MESSAGE = 'Cannot reach Hearth: not connected. Check that `hearth serve` is still running.';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  options: CallOptions;
}

interface Queued extends Pending {
  method: string;
  args: unknown;
  timer: ReturnType<typeof setTimeout>;
}

type EventListener = Parameters<RendererTransport['onEvent']>[0];

/** The part of the browser's WebSocket this transport uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
}

/** `WebSocket.OPEN`, spelled out so the transport does not need the global at import time. */
const OPEN = 1;

export interface WsTransportOptions {
  /** Called once, the first time the socket opens (the cookie evidently works). */
  onFirstOpen?: () => void;
  /** Socket factory; the browser's WebSocket by default. */
  createSocket?: (url: string) => SocketLike;
}

/**
 * Transport over the headless host's WebSocket (`/rpc`, messages of `shared/wire.ts`). The
 * session cookie set when the page was opened with `?token=` authenticates the upgrade.
 */
export function createWsTransport(url: string, options: WsTransportOptions = {}): RendererTransport {
  const { onFirstOpen, createSocket = (target: string) => new WebSocket(target) } = options;
  let socket: SocketLike | null = null;
  let connection: ConnectionState = 'connecting';
  let nextId = 1;
  let retryMs = FIRST_RETRY_MS;
  let everOpened = false;
  const pending = new Map<number, Pending>();
  const queue: Queued[] = [];
  const eventListeners = new Set<EventListener>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();

  const setConnection = (state: ConnectionState) => {
    if (state === connection) return;
    connection = state;
    for (const listener of connectionListeners) listener(state);
  };

  const send = (ws: SocketLike, call: { method: string; args: unknown } & Pending) => {
    const id = nextId++;
    const message: WireCall = { type: 'call', id, method: call.method, args: call.args };
    const { signal } = call.options;
    // Cancelling tells the server (the reply stops there); the call still settles with its result.
    const cancel = () => {
      const cancelMessage: ClientMessage = { type: 'cancel', id };
      if (socket === ws && ws.readyState === OPEN) ws.send(JSON.stringify(cancelMessage));
    };
    signal?.addEventListener('abort', cancel, { once: true });
    const settle = <T>(fn: (value: T) => void) => (value: T) => {
      signal?.removeEventListener('abort', cancel);
      fn(value);
    };
    pending.set(id, { resolve: settle(call.resolve), reject: settle(call.reject), options: call.options });
    try {
      ws.send(JSON.stringify(message));
    } catch (error) {
      pending.delete(id);
      signal?.removeEventListener('abort', cancel);
      call.reject(new RpcError('BAD_REQUEST', `Could not send ${call.method}: ${String(error)}`));
    }
  };

  const handleMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === 'chunk') {
      pending.get(message.id)?.options.onChunk?.(message.chunk);
    } else if (message.type === 'result') {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(RpcError.fromShape(message.error));
    } else if (message.type === 'event') {
      for (const listener of eventListeners) {
        listener(message.event, message.payload as AppEvents[EventName]);
      }
    }
  };

  const connect = () => {
    setConnection('connecting');
    const ws = createSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = FIRST_RETRY_MS;
      setConnection('open');
      if (!everOpened) {
        everOpened = true;
        onFirstOpen?.();
      }
      for (const call of queue.splice(0)) {
        clearTimeout(call.timer);
        send(ws, call);
      }
    };
    ws.onmessage = (event: MessageEvent) => handleMessage(event.data);
    ws.onclose = () => {
      socket = null;
      // Replies to these calls can never arrive on a new socket: fail them now.
      const lost = [...pending.values()];
      pending.clear();
      for (const call of lost) call.reject(new RpcError('DISCONNECTED', LOST_MESSAGE));
      setConnection('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
    // An error is always followed by close, which does the work.
    ws.onerror = () => {};
  };

  connect();

  return {
    kind: 'websocket',
    get connection() {
      return connection;
    },
    call(method, args, options = {}) {
      return new Promise((resolve, reject) => {
        if (socket && socket.readyState === OPEN) {
          send(socket, { method, args, resolve, reject, options });
          return;
        }
        const queued: Queued = {
          method,
          args,
          resolve,
          reject,
          options,
          timer: setTimeout(() => {
            const index = queue.indexOf(queued);
            if (index !== -1) queue.splice(index, 1);
            reject(new RpcError('DISCONNECTED', UNREACHABLE_MESSAGE));
          }, CONNECT_WAIT_MS),
        };
        queue.push(queued);
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

/** `ws://host/rpc` or `wss://host/rpc` for the page's own origin. */
export function rpcUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${RPC_PATH}`;
}
