import type { AppEvents, EventName } from '../../../shared/events';
import { isErrorShape } from '../../../shared/errors';
import { RpcError, rpcErrorFromThrown } from './errors';
import type { HearthBridge } from '../env';
import type { RendererTransport } from './types';

/** Transport over the Electron preload bridge. IPC has no connection to lose: always `open`. */
export function createBridgeTransport(bridge: HearthBridge): RendererTransport {
  return {
    kind: 'bridge',
    connection: 'open',
    async call(method, args) {
      let reply: unknown;
      try {
        reply = await bridge.call(method, args);
      } catch (error) {
        throw rpcErrorFromThrown(error);
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
