import { EventEmitter } from 'node:events';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatChunk, ChatResult } from '../../shared/dto';
import { CALL_CHANNEL, CANCEL_CHANNEL, CHUNK_CHANNEL, EVENT_CHANNEL } from '../../shared/ipc';
import type { Core } from '../core/createCore';
import { populateModelsDir } from '../testing/fixtureModels';
import { createTestCore } from '../testing/testCore';
import { attachIpcHost, forwardEvents, type IpcMainLike } from './ipcHost';
import { isTrustedSenderFrame, type SenderFrame } from './navigationPolicy';

// The Electron IPC host driven the way Electron drives it — a fake `ipcMain` and fake windows
// (WebContents) — in front of a real core and engine process: the sender check, argument
// validation, and that chunks and cancels stay with the window that made the call.

const appUrl = 'file:///opt/Hearth/resources/app.asar/out/renderer/index.html';

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<Reply>;
type Listener = (event: unknown, ...args: unknown[]) => void;

class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, handler: InvokeHandler) {
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener) {
    this.listeners.set(channel, listener);
    return this;
  }
  removeListener(channel: string) {
    this.listeners.delete(channel);
    return this;
  }
}

/** A window's WebContents: records what main sends it; `destroy()` closes it. */
class FakeWindow extends EventEmitter {
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  private destroyed = false;
  frame: SenderFrame | null = { url: `${appUrl}#/chat`, parent: null };
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
  /** The chunks this window received for call `id`. */
  chunks(id: number): ChatChunk[] {
    return this.sent.filter((m) => m.channel === CHUNK_CHANNEL && m.args[0] === id).map((m) => m.args[1] as ChatChunk);
  }
  text(id: number): string {
    return this.chunks(id).flatMap((c) => (c.type === 'tokens' ? [c.text] : [])).join('');
  }
}

let core: Core;
let cleanup: () => Promise<void>;
let tinyId: string;
let ipc: FakeIpcMain;
let detach: () => void;
let dispatched = 0;

beforeAll(async () => {
  const test = await createTestCore();
  core = test.core;
  cleanup = test.cleanup;
  tinyId = (await populateModelsDir(test.modelsDir)).tinyId;
  await core.inference.loadModel({ modelId: tinyId, parallel: 2 });
  ipc = new FakeIpcMain();
  const counted = { logger: core.logger, dispatch: (...args: Parameters<Core['dispatch']>) => (dispatched++, core.dispatch(...args)) };
  // The same sender check the app uses (src/main/index.ts).
  detach = attachIpcHost(ipc as unknown as IpcMainLike, counted, (event) => isTrustedSenderFrame(event.senderFrame, appUrl));
});
afterAll(async () => {
  detach();
  await cleanup();
});

const eventFrom = (window: FakeWindow) => ({ sender: window as unknown as WebContents, senderFrame: window.frame }) as unknown as IpcMainInvokeEvent;
const call = (window: FakeWindow, id: number, method: unknown, args: unknown) => ipc.handlers.get(CALL_CHANNEL)!(eventFrom(window), id, method, args);
const cancel = (window: FakeWindow, id: number) => ipc.listeners.get(CANCEL_CHANNEL)!(eventFrom(window), id);
const chat = (window: FakeWindow, id: number, requestId: string, maxTokens: number) =>
  call(window, id, 'inference.chat', { requestId, messages: [{ role: 'user', content: requestId }], params: { temperature: 0, maxTokens } });

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Electron IPC host', () => {
  it('refuses calls from an iframe, from a page that is not the app, and from a frame that is gone', async () => {
    const before = dispatched;
    for (const frame of [{ url: `${appUrl}#/chat`, parent: {} }, { url: 'https://evil.example/', parent: null }, { url: 'file:///tmp/other.html', parent: null }, null]) {
      const window = new FakeWindow();
      window.frame = frame;
      expect(await call(window, 1, 'app.getInfo', {})).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Hearth window') } });
    }
    expect(dispatched).toBe(before); // refused before reaching core
    const app = new FakeWindow();
    expect(await call(app, 1, 'app.getInfo', {})).toMatchObject({ ok: true, value: { host: 'headless' } });
  });

  it('validates arguments against the contract: bad ones come back as BAD_REQUEST, unknown methods as UNKNOWN_METHOD', async () => {
    const window = new FakeWindow();
    const bad = await call(window, 1, 'inference.chat', { requestId: 'x', messages: 'not a list' });
    expect(bad).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^Invalid arguments for inference\.chat: messages/) } });
    expect(await call(window, 2, 'inference.chat', { requestId: 'x', messages: [{ role: 'user', content: 'hi' }], extra: true })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(window, 3, 'app.deleteEverything', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    // What structured clone can deliver as a method name: not a string, a toString that is not a function.
    expect(await call(window, 4, { toString: 42 }, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(window.sent).toEqual([]);
  });

  it('sends each reply\'s chunks only to the window that asked, even when both use the same call id', async () => {
    const [a, b] = [new FakeWindow(), new FakeWindow()];
    const [ra, rb] = await Promise.all([chat(a, 7, 'ipc-alpha', 40), chat(b, 7, 'ipc-beta', 40)]);
    expect(ra).toMatchObject({ ok: true });
    expect(rb).toMatchObject({ ok: true });
    expect(a.text(7)).toBe(((ra as { value: ChatResult }).value).text);
    expect(b.text(7)).toBe(((rb as { value: ChatResult }).value).text);
    expect(a.text(7).length).toBeGreaterThan(0);
    // Every message a window got is a chunk of its own call.
    expect(a.sent.every((m) => m.channel === CHUNK_CHANNEL && m.args[0] === 7)).toBe(true);
    expect(b.sent.every((m) => m.channel === CHUNK_CHANNEL && m.args[0] === 7)).toBe(true);
  });

  it('a cancel stops only the sender\'s call with that id; a closed window stops its calls', async () => {
    const [a, b] = [new FakeWindow(), new FakeWindow()];
    // Long replies (they are cut short by the cancel and the close, never reach their limit).
    const replyA = chat(a, 3, 'ipc-long-a', 2000);
    const replyB = chat(b, 3, 'ipc-long-b', 2000);
    await waitFor(() => a.chunks(3).length > 0 && b.chunks(3).length > 0);
    cancel(b, 3);
    const cancelled = (await replyB) as { ok: true; value: ChatResult };
    expect(cancelled.value.stats.stopReason).toBe('abort');
    // A's reply with the same id was not touched: it is still streaming.
    expect((await core.fleet.engineStatus()).activeGenerations).toBe(1);
    // A cancel from a frame that is not the app is ignored.
    const intruder = new FakeWindow();
    intruder.frame = { url: 'https://evil.example/', parent: null };
    cancel(intruder, 3);
    a.destroy();
    const closed = (await replyA) as { ok: true; value: ChatResult };
    expect(closed.value.stats.stopReason).toBe('abort');
    await waitFor(async () => (await core.fleet.engineStatus()).activeGenerations === 0);
  });

  it('forwards state events to a window until it closes', async () => {
    const window = new FakeWindow();
    forwardEvents(core, window as unknown as WebContents);
    await core.inference.unloadModel();
    await waitFor(() => window.sent.some((m) => m.channel === EVENT_CHANNEL));
    const count = window.sent.length;
    window.destroy();
    await core.inference.loadModel({ modelId: tinyId, parallel: 2 });
    expect(window.sent.length).toBe(count);
  });
});
