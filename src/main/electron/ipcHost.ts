import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { CALL_CHANNEL, CANCEL_CHANNEL, CHUNK_CHANNEL, EVENT_CHANNEL } from '../../shared/ipc';
import type { Core } from '../core/createCore';
import { toPublicError } from '../core/errors/publicError';

/** The part of Electron's `ipcMain` the host uses (passed in, so tests drive it with a fake). */
export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;

/** Decides whether an IPC message comes from the app's own page (see isTrustedSenderFrame). */
export type SenderCheck = (event: IpcMainInvokeEvent | IpcMainEvent) => boolean;

/**
 * Electron host: one invoke channel into the shared dispatcher, chunks back to the window that
 * made the call, state events to every window. Calls and cancels are accepted only from the app's
 * own window and page (sender check), so a navigated or injected frame cannot drive the app.
 * Arguments are validated by the dispatcher against the contract (BAD_REQUEST otherwise).
 * Results travel as `{ok, value}` / `{ok, error}` because Electron strips custom fields from
 * rejected errors. Call ids are the page's own, so they are kept per window: one window can
 * neither receive nor cancel another's call. A window that goes away cancels its calls (its
 * replies stop), like a closed WebSocket.
 */
export function attachIpcHost(ipc: IpcMainLike, core: Pick<Core, 'dispatch' | 'logger'>, isTrustedSender: SenderCheck): () => void {
  /** Calls in flight per window, by the call id the preload chose. */
  const calls = new Map<WebContents, Map<number, AbortController>>();
  const callsOf = (contents: WebContents) => {
    let map = calls.get(contents);
    if (!map) {
      const created = new Map<number, AbortController>();
      map = created;
      calls.set(contents, created);
      contents.once('destroyed', () => {
        for (const controller of created.values()) controller.abort();
        calls.delete(contents);
      });
    }
    return map;
  };

  ipc.handle(CALL_CHANNEL, async (event, callId: unknown, method: unknown, args: unknown) => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Calls are only accepted from the Hearth window.' } };
    }
    const id = typeof callId === 'number' && Number.isSafeInteger(callId) ? callId : -1;
    // Never String(method): a page could send an object whose toString is not a function.
    const name = typeof method === 'string' ? method : '';
    const controller = new AbortController();
    const inFlight = callsOf(event.sender);
    if (id !== -1) inFlight.set(id, controller);
    try {
      const value = await core.dispatch(name, args, {
        signal: controller.signal,
        emit: (chunk) => {
          if (!event.sender.isDestroyed()) event.sender.send(CHUNK_CHANNEL, id, chunk);
        },
      });
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toPublicError(error, core.logger, name.slice(0, 64)) };
    } finally {
      if (inFlight.get(id) === controller) inFlight.delete(id);
    }
  });
  const onCancel = (event: IpcMainEvent, callId: unknown) => {
    if (typeof callId !== 'number' || !isTrustedSender(event)) return;
    calls.get(event.sender)?.get(callId)?.abort();
  };
  ipc.on(CANCEL_CHANNEL, onCancel);
  return () => {
    ipc.removeHandler(CALL_CHANNEL);
    ipc.removeListener(CANCEL_CHANNEL, onCancel);
  };
}

/** Forwards every core event to one window's renderer. */
export function forwardEvents(core: Pick<Core, 'events'>, contents: WebContents): () => void {
  const unsubscribe = core.events.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
  });
  contents.once('destroyed', unsubscribe);
  return unsubscribe;
}
