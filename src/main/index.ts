/**
 * Electron entry: lifecycle, one secure window, the IPC host. All behaviour lives in core.
 */
import { app, BrowserWindow, session } from 'electron';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from './core/createCore';
import { defaultThreads } from './core/engine/threads';
import { createConsoleLogger } from './core/logging/logger';
import { defaultModelsDir } from './core/paths';
import { attachIpcHost, forwardEvents } from './electron/ipcHost';
import { utilityEngineLauncher } from './electron/utilityEngineLauncher';
import { isAppUrl, lockDownWindow } from './electron/windowSecurity';
import { CONTENT_SECURITY_POLICY } from './hosts/staticFiles';

const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href;
let core: Core | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const logger = createConsoleLogger();
  const threads = Number(process.env.HEARTH_THREADS) || defaultThreads();
  core = await createCore({
    dataDir: process.env.HEARTH_DATA_DIR || app.getPath('userData'),
    modelsDir: process.env.HEARTH_MODELS_DIR || defaultModelsDir(),
    threads,
    logger,
    host: 'electron',
    version: app.getVersion(),
    launchEngine: utilityEngineLauncher({
      workerPath: join(import.meta.dirname, 'engineWorker.js'),
      gpu: 'auto',
      maxThreads: Math.max(threads, availableParallelism()),
    }),
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  attachIpcHost(core, (event) => {
    const frame = event.senderFrame;
    return frame !== null && frame.parent === null && isAppUrl(frame.url, rendererUrl);
  });
  createWindow(core);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && core) createWindow(core);
  });
}

function createWindow(appCore: Core): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Hearth',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  lockDownWindow(window, rendererUrl);
  forwardEvents(appCore, window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(rendererUrl);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', (event) => {
  if (!core) return;
  event.preventDefault();
  const closing = core;
  core = undefined;
  void closing.dispose().finally(() => app.quit());
});
