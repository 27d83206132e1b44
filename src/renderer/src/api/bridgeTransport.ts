import type { AppEvents, EventName } from '../../../shared/events';
import { isErrorShape } from '../../../shared/errors';
import { RpcError, rpcErrorFromThrown } from './errors';
import type { HearthBridge } from '../env';
import type { RendererTransport } from './types';

/** Transport over the Electron preload bridge. IPC has no connection to lose: always `open`. */
export function createBridgeTransport(bridge: HearthBridge): RendererTransport {
  let nextCallId = 1;
  return {
    kind: 'bridge',
    connection: 'open',
    async call(method, args, options = {}) {
      const callId = nextCallId++;
      const { signal, onChunk } = options;
      const cancel = () => bridge.cancel(callId);
      signal?.addEventListener('abort', cancel, { once: true });
      let reply: unknown;
      try {
        reply = await bridge.call(callId, method, args, onChunk);
      } catch (error) {
        throw rpcErrorFromThrown(error);
      } finally {
        signal?.removeEventListener('abort', cancel);
      }
      if (typeof reply === 'object' && reply !== null && 'ok' in reply) {
        if (reply.ok === true) return 'value' in reply ? reply.value : undefined;
        if (reply.ok === false && 'error' in reply && isErrorShape(reply.error)) throw RpcError.fromShape(reply.error);
      }
      throw new RpcError('INTERNAL', `Unexpected reply from the app bridge for ${method}.`);
    },
    onEvent(listener) {
      return bridge.onEvent((event, payload) => {
        listener(event as EventName, payload as AppEvents[EventName]);
      });
    },
    onConnectionChange() {
      return () => {};
    },
  };
}
