import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CALL_CHANNEL, CANCEL_CHANNEL, CHUNK_CHANNEL, EVENT_CHANNEL } from '../../shared/ipc';
import type { Core } from '../core/createCore';
import { toPublicError } from '../core/errors/publicError';

/**
 * Electron host: one invoke channel into the shared dispatcher, chunks back to the window that
 * made the call, state events to every window. Calls are accepted only from the app's own window
 * and page (sender check), so a navigated or injected frame cannot drive the app. Results travel
 * as `{ok, value}` / `{ok, error}` because Electron strips custom fields from rejected errors.
 * A window that goes away cancels its calls (its replies stop), like a closed WebSocket.
 */
export function attachIpcHost(core: Core, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  /** Calls in flight per window, by the call id the preload chose. */
  const calls = new Map<WebContents, Map<number, AbortController>>();
  const callsOf = (contents: WebContents) => {
    let map = calls.get(contents);
    if (!map) {
      map = new Map();
      calls.set(contents, map);
      contents.once('destroyed', () => {
        for (const controller of map!.values()) controller.abort();
        calls.delete(contents);
      });
    }
    return map;
  };

  ipcMain.handle(CALL_CHANNEL, async (event, callId: unknown, method: unknown, args: unknown) => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Calls are only accepted from the Hearth window.' } };
    }
    const id = typeof callId === 'number' && Number.isSafeInteger(callId) ? callId : -1;
    const controller = new AbortController();
    const inFlight = callsOf(event.sender);
    if (id !== -1) inFlight.set(id, controller);
    try {
      const value = await core.dispatch(String(method), args, {
        signal: controller.signal,
        emit: (chunk) => {
          if (!event.sender.isDestroyed()) event.sender.send(CHUNK_CHANNEL, id, chunk);
        },
      });
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toPublicError(error, core.logger, String(method).slice(0, 64)) };
    } finally {
      inFlight.delete(id);
    }
  });
  const onCancel = (event: Electron.IpcMainEvent, callId: unknown) => {
    if (typeof callId === 'number') calls.get(event.sender)?.get(callId)?.abort();
  };
  ipcMain.on(CANCEL_CHANNEL, onCancel);
  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    ipcMain.removeListener(CANCEL_CHANNEL, onCancel);
  };
}

/** Forwards every core event to one window's renderer. */
export function forwardEvents(core: Core, contents: WebContents): () => void {
  const unsubscribe = core.events.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
  });
  contents.once('destroyed', unsubscribe);
  return unsubscribe;
}
