import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { MODELS, populateE2eModels } from './support/models';

// The desktop app itself: the built Electron entry (out/main/index.js) in a real Electron window,
// the renderer talking to core over IPC through the preload bridge. It needs Electron's binary,
// which `npm start` fetches (scripts/ensure-electron.mjs) but this machine cannot download;
// without it every test here skips and says why.

const root = fileURLToPath(new URL('..', import.meta.url));

// Found without `require('electron')`: requiring it when the binary is missing starts a download.
function electronBinary(): string | undefined {
  if (process.env.ELECTRON_EXEC_PATH && existsSync(process.env.ELECTRON_EXEC_PATH)) return process.env.ELECTRON_EXEC_PATH;
  try {
    const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(packageDir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** Linux without a display: a virtual one (Xvfb) if installed; otherwise why the window cannot open. */
function displayProblem(): string | undefined {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return undefined;
  if (spawnSync('Xvfb', ['-help'], { stdio: 'ignore' }).error) return 'no display and no Xvfb (`apt-get install xvfb`, or run under xvfb-run)';
  return undefined;
}

const binary = electronBinary();
const skipReason = binary
  ? displayProblem()
  : 'Electron binary not installed: `npm start` fetches it (scripts/ensure-electron.mjs); this machine cannot download it.';

// Said once, when the runner collects the tests (its workers have TEST_WORKER_INDEX), since the
// list reporter shows skipped tests without their reason.
if (skipReason && process.env.TEST_WORKER_INDEX === undefined) console.log(`Electron spec skipped: ${skipReason}`);

let xvfb: ChildProcess | undefined;
test.beforeAll(async () => {
  if (skipReason || process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return;
  xvfb = spawn('Xvfb', [':97', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  process.env.DISPLAY = ':97';
});
test.afterAll(() => {
  xvfb?.kill();
});

/** Starts the app on fresh folders; `populate` fills the models folder first. */
async function launch(populate?: (modelsDir: string) => Promise<unknown>): Promise<{ app: ElectronApplication; window: Page; cleanup(): Promise<void> }> {
  const folders = await mkdtemp(join(tmpdir(), 'hearth-electron-e2e-'));
  const modelsDir = join(folders, 'models');
  await populate?.(modelsDir);
  const app = await electron.launch({
    executablePath: binary,
    // Chromium refuses to start as root without --no-sandbox (CI runs as root); the page itself
    // stays sandboxed and isolated (webPreferences), which the first test checks.
    args: [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: { ...process.env, HEARTH_GPU: 'off', HEARTH_THREADS: '1', HEARTH_DATA_DIR: join(folders, 'data'), HEARTH_MODELS_DIR: modelsDir },
  });
  const window = await app.firstWindow();
  return {
    app,
    window,
    cleanup: async () => {
      await app.close();
      await rm(folders, { recursive: true, force: true });
    },
  };
}

/** A contract call through the preload bridge, as the renderer makes it (over IPC). */
function bridgeCall<T>(window: Page, method: string, args: unknown = {}): Promise<T> {
  return window.evaluate(
    async ([m, a]) => {
      const bridge = (window as unknown as { bridge: { call(id: number, method: string, args: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> } }).bridge;
      // A call id far from the renderer's own counter.
      const reply = await bridge.call(900_000 + Math.floor(Math.random() * 90_000), m, a);
      if (!reply.ok) throw new Error(JSON.stringify(reply.error));
      return reply.value;
    },
    [method, args] as const,
  ) as Promise<T>;
}

test.describe('Electron desktop app', () => {
  test.skip(skipReason !== undefined, `Electron spec skipped: ${skipReason}`);

  test('first run: a secure window shows the app on empty folders', async () => {
    const { window, cleanup } = await launch();
    try {
      await expect(window).toHaveTitle('Hearth');
      // Sandboxed, isolated page: no Node globals, only the preload's allow-listed bridge.
      const globals = await window.evaluate(() => {
        const w = window as unknown as { require?: unknown; process?: unknown; bridge?: Record<string, unknown> };
        return { require: typeof w.require, process: typeof w.process, bridge: Object.keys(w.bridge ?? {}).sort() };
      });
      expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridge: ['call', 'cancel', 'onEvent'] });
      // The app reached core over IPC: navigation and the status bar, no model loaded yet.
      await expect(window.getByRole('navigation', { name: 'Main' })).toBeVisible();
      await expect(window.getByRole('status', { name: 'Status bar' })).toContainText('no model loaded');
      expect(await bridgeCall<{ host: string }>(window, 'app.getInfo')).toMatchObject({ host: 'electron' });
      // Web permissions are denied (session permission handler).
      expect(await window.evaluate(() => Notification.requestPermission())).toBe('denied');
    } finally {
      await cleanup();
    }
  });

  test('a chat reply streams over IPC, and Stop ends a reply mid-stream', async () => {
    const { window, cleanup } = await launch(populateE2eModels);
    try {
      await bridgeCall(window, 'inference.loadModel', { modelId: MODELS.small.id, contextSize: 1024, force: true });
      await window.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      const messageBox = window.getByRole('textbox', { name: 'Message', exact: true });
      const replies = window.getByRole('article', { name: 'assistant message' });
      await expect(messageBox).toBeVisible();
      await window.getByLabel('Max tokens').fill('300');
      // Streamed, not shown at once: the busy reply is rendered with several different texts.
      await window.evaluate(() => {
        const seen = new Set<string>();
        (window as unknown as { __seen: Set<string> }).__seen = seen;
        new MutationObserver(() => {
          const busy = document.querySelector('article[aria-busy="true"]');
          if (busy) seen.add(busy.textContent ?? '');
        }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      await messageBox.fill('Tell me a story');
      await messageBox.press('Enter');
      const reply = replies.last();
      await expect(reply.getByTestId('reply-stats')).toBeVisible({ timeout: 60_000 });
      expect(await window.evaluate(() => (window as unknown as { __seen: Set<string> }).__seen.size)).toBeGreaterThan(3);

      await window.getByLabel('Max tokens').fill('');
      await messageBox.fill('Write a very long answer');
      await messageBox.press('Enter');
      const long = replies.last();
      await expect.poll(async () => (await long.textContent())?.length ?? 0, { timeout: 60_000 }).toBeGreaterThan(40);
      await window.getByRole('button', { name: 'Stop' }).click();
      await expect(long.getByTestId('reply-stats')).toContainText('stopped by you');
      await expect(window.getByRole('button', { name: 'Send' })).toBeVisible();
      expect((await bridgeCall<{ activeRequests: unknown[] }>(window, 'inference.getState')).activeRequests).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
