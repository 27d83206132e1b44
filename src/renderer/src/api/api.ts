import { createApiClient } from '../../../shared/client';
import type { GroupedApi } from '../../../shared/contract';
import type { AppEvents, EventName } from '../../../shared/events';
import { createTransport } from './transport';
import type { ConnectionState, RendererTransport } from './types';

let transport: RendererTransport | null = null;

/** The transport, created on first use so that importing this module has no side effects. */
function getTransport(): RendererTransport {
  transport ??= createTransport();
  return transport;
}

/** The whole app API, grouped: `api.inference.chat({...})`. Rejections are `RpcError`s. */
export const api: GroupedApi = createApiClient((method, args, options) => getTransport().call(method, args, options));

/** Subscribes to one pushed event. Returns an unsubscribe function. */
export function onEvent<E extends EventName>(event: E, handler: (payload: AppEvents[E]) => void): () => void {
  return getTransport().onEvent((name: EventName, payload: unknown) => {
    if (name === event) handler(payload as AppEvents[E]);
  });
}

/** Subscribes to connection changes (WebSocket only; the bridge is always open). */
export function onConnectionChange(listener: (state: ConnectionState) => void): () => void {
  return getTransport().onConnectionChange(listener);
}

export function connectionState(): ConnectionState {
  return getTransport().connection;
}

export function transportKind(): RendererTransport['kind'] {
  return getTransport().kind;
}

export type { ConnectionState };
