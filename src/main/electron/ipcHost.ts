import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { toErrorShape } from '../../shared/errors';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../shared/ipc';
import type { Core } from '../core/createCore';


/**
 * Electron host: one invoke channel into the shared dispatcher, one event channel out.
 * Calls are accepted only from the app's own window and page (sender check), so a navigated or
 * injected frame cannot drive the app. Results travel as `{ok, value}` / `{ok, error}` because
 * Electron strips custom fields from rejected errors.
 */
export function attachIpcHost(core: Core, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, args: unknown) => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Calls are only accepted from the Hearth window.' } };
    }
    try {
      return { ok: true, value: await core.dispatch(String(method), args) };
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  });
  return () => ipcMain.removeHandler(CALL_CHANNEL);
}

/** Forwards every core event to one window's renderer. */
export function forwardEvents(core: Core, contents: WebContents): () => void {
  const unsubscribe = core.events.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
  });
  contents.once('destroyed', unsubscribe);
  return unsubscribe;
}
