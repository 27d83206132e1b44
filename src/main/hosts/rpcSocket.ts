import type { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../shared/wire';
import type { Core } from '../core/createCore';
import { toPublicError } from '../core/errors/publicError';

/** Calls one connection may have in flight; more are refused rather than queued without bound. */
const MAX_IN_FLIGHT = 64;

/**
 * Serves the RPC protocol of `shared/wire.ts` on one WebSocket: calls in, their chunks and
 * results back to this socket only, state events to everyone. Each call gets an abort signal that
 * fires when the client cancels it or the socket closes — a reloaded page stops its `inference.chat`
 * replies (a chat reply belongs to core and runs on; the page attaches again with `chats.attachReply`).
 */
export function attachRpc(socket: WebSocket, core: Core): void {
  const calls = new Map<number, AbortController>();
  const send = (message: ServerMessage) => {
    if (socket.readyState !== socket.OPEN) return;
    try {
      socket.send(JSON.stringify(message));
    } catch (error) {
      // A value that cannot be serialised must not become an unhandled rejection that ends the process.
      core.logger.error('could not send an RPC message', { error: String(error) });
      if (message.type === 'result') {
        socket.send(JSON.stringify({ type: 'result', id: message.id, ok: false, error: { code: 'INTERNAL', message: 'The answer could not be sent; the details are in Hearth\'s log.' } }));
      }
    }
  };
  const unsubscribe = core.events.subscribe((event, payload) => send({ type: 'event', event, payload }));
  const closed = () => {
    unsubscribe();
    for (const controller of calls.values()) controller.abort();
    calls.clear();
  };
  socket.on('close', closed);
  socket.on('error', closed);

  socket.on('message', (data, isBinary) => {
    const message = parseMessage(isBinary ? '' : data.toString());
    if (!message) {
      send({ type: 'result', id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed message: expected {"type":"call","id":number,"method":string,"args":...}.' } });
      return;
    }
    if (message.type === 'cancel') {
      calls.get(message.id)?.abort();
      return;
    }
    const { id } = message;
    if (calls.has(id)) {
      send({ type: 'result', id, ok: false, error: { code: 'BAD_REQUEST', message: `Call id ${id} is already in flight on this connection.` } });
      return;
    }
    if (calls.size >= MAX_IN_FLIGHT) {
      send({ type: 'result', id, ok: false, error: { code: 'BUSY', message: 'Too many calls in flight on this connection.', retryAfterMs: 1_000 } });
      return;
    }
    const controller = new AbortController();
    calls.set(id, controller);
    core
      .dispatch(message.method, message.args, {
        signal: controller.signal,
        emit: (chunk) => send({ type: 'chunk', id, chunk }),
      })
      .then(
        (value) => send({ type: 'result', id, ok: true, value: value ?? null }),
        (error: unknown) => send({ type: 'result', id, ok: false, error: toPublicError(error, core.logger, message.method.slice(0, 64)) }),
      )
      .finally(() => calls.delete(id));
  });
}

function parseMessage(text: string): ClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Partial<ClientMessage> & { method?: unknown; args?: unknown };
  if (typeof message.id !== 'number' || !Number.isSafeInteger(message.id)) return undefined;
  if (message.type === 'cancel') return { type: 'cancel', id: message.id };
  if (message.type !== 'call' || typeof message.method !== 'string') return undefined;
  return { type: 'call', id: message.id, method: message.method, args: message.args };
}
