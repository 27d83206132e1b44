/**
 * The only bridge between the sandboxed page and the app: `call` for allow-listed methods and
 * `onEvent` for pushed events. Raw `ipcRenderer` is never exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isMethodName } from '../shared/contract';
import { eventNames, type EventName } from '../shared/events';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../shared/ipc';

const knownEvents = new Set<string>(eventNames);

contextBridge.exposeInMainWorld('bridge', {
  call(method: unknown, args: unknown): Promise<unknown> {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${String(method)}".` } });
    }
    return ipcRenderer.invoke(CALL_CHANNEL, method, args);
  },
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => {
      if (knownEvents.has(name)) listener(name as EventName, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});
