/**
 * The only bridge between the sandboxed page and the app: `call` for allow-listed methods (with a
 * listener for the call's own chunks and a cancel), and `onEvent` for pushed state events.
 * Raw `ipcRenderer` is never exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isMethodName } from '../shared/contract';
import { isEventName, type EventName } from '../shared/events';
import { CALL_CHANNEL, CANCEL_CHANNEL, CHUNK_CHANNEL, EVENT_CHANNEL } from '../shared/ipc';

const chunkListeners = new Map<number, (chunk: unknown) => void>();
ipcRenderer.on(CHUNK_CHANNEL, (_event: IpcRendererEvent, callId: unknown, chunk: unknown) => {
  if (typeof callId === 'number') chunkListeners.get(callId)?.(chunk);
});

contextBridge.exposeInMainWorld('bridge', {
  /**
   * Calls a contract method. `callId` is chosen by the page, unique per window; `onChunk` receives
   * the call's streamed chunks. The promise settles with `{ok, value}` or `{ok: false, error}`.
   */
  call(callId: unknown, method: unknown, args: unknown, onChunk?: (chunk: unknown) => void): Promise<unknown> {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${String(method).slice(0, 100)}".` } });
    }
    if (typeof callId !== 'number' || !Number.isSafeInteger(callId)) {
      return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: 'A call needs a numeric id.' } });
    }
    if (typeof onChunk === 'function') chunkListeners.set(callId, onChunk);
    return ipcRenderer.invoke(CALL_CHANNEL, callId, method, args).finally(() => chunkListeners.delete(callId));
  },
  /** The page no longer wants call `callId`: its handler's abort signal fires. */
  cancel(callId: unknown): void {
    if (typeof callId === 'number') ipcRenderer.send(CANCEL_CHANNEL, callId);
  },
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (isEventName(name)) listener(name, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});
