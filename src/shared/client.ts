import type { CallOptions, GroupedApi } from './contract';
import type { AppEvents, EventName } from './events';

/** Minimal transport every client needs: a call (with its chunks and cancel) and an event subscription. */
export interface Transport {
  call(method: string, args: unknown, options?: CallOptions): Promise<unknown>;
  /** Returns an unsubscribe function. */
  onEvent(listener: <E extends EventName>(event: E, payload: AppEvents[E]) => void): () => void;
}

/** Builds the grouped API (`api.inference.chat(...)`) over any transport. */
export function createApiClient(call: Transport['call']): GroupedApi {
  return new Proxy({} as GroupedApi, {
    get(_target, group) {
      if (typeof group !== 'string') return undefined;
      return new Proxy(
        {},
        {
          get(_t, member) {
            if (typeof member !== 'string') return undefined;
            // No name check here: the types allow only contract methods, and the host's dispatcher
            // rejects anything else. Keeping the contract's zod schemas out of the page bundle.
            const name = `${group}.${member}`;
            return (args?: unknown, options?: CallOptions) => call(name, args ?? {}, options);
          },
        },
      );
    },
  });
}
