import type { WebSocket } from 'ws';
import { toErrorShape } from '../../shared/errors';
import type { ServerMessage, WireCall } from '../../shared/wire';
import type { Core } from '../core/createCore';

/** Calls one connection may have in flight; more are refused rather than queued without bound. */
const MAX_IN_FLIGHT = 64;

/** Serves the RPC protocol of `shared/wire.ts` on one WebSocket: calls in, results and events out. */
export function attachRpc(socket: WebSocket, core: Core): void {
  let inFlight = 0;
  const send = (message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const unsubscribe = core.events.subscribe((event, payload) => send({ type: 'event', event, payload }));
  socket.on('close', unsubscribe);
  socket.on('error', unsubscribe);

  socket.on('message', (data, isBinary) => {
    const call = parseCall(isBinary ? '' : data.toString());
    if (!call) {
      send({ type: 'result', id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed message: expected {"type":"call","id":number,"method":string,"args":...}.' } });
      return;
    }
    if (inFlight >= MAX_IN_FLIGHT) {
      send({ type: 'result', id: call.id, ok: false, error: { code: 'BUSY', message: 'Too many calls in flight on this connection.' } });
      return;
    }
    inFlight++;
    core.dispatch(call.method, call.args).then(
      (value) => send({ type: 'result', id: call.id, ok: true, value: value ?? null }),
      (error: unknown) => send({ type: 'result', id: call.id, ok: false, error: toErrorShape(error) }),
    ).finally(() => {
      inFlight--;
    });
  });
}

function parseCall(text: string): WireCall | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const call = value as Partial<WireCall>;
  if (call.type !== 'call' || typeof call.id !== 'number' || typeof call.method !== 'string') return undefined;
  return { type: 'call', id: call.id, method: call.method, args: call.args };
}
