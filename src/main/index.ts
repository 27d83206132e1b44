/**
 * Electron entry: lifecycle, one secure window, the IPC host. All behaviour lives in core.
 */
import { app, BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from './core/createCore';
import { createConsoleLogger } from './core/logging/logger';
import { launchApiServer } from './hosts/api/apiServer';
import { attachIpcHost, forwardEvents } from './electron/ipcHost';
import { utilityEngineLauncher } from './electron/utilityEngineLauncher';
import { isAppUrl, lockDownWindow } from './electron/windowSecurity';
import { resolveStartupConfig } from './startupConfig';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';

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
  // The same start-up configuration as `hearth serve` (HEARTH_* variables), with Electron's userData as the data folder.
  const config = resolveStartupConfig({}, process.env, { dataDir: app.getPath('userData') });
  const logger = createConsoleLogger(config.logLevel);
  core = await createCore({
    dataDir: config.dataDir,
    modelsDir: config.modelsDir,
    threads: config.threads,
    memoryLimitBytes: config.memoryLimitBytes,
    maxModels: config.maxModels,
    hub: config.hub,
    resumeDownloads: true,
    logger,
    host: 'electron',
    version: app.getVersion(),
    launchEngine: utilityEngineLauncher({
      workerPath: join(import.meta.dirname, 'engineWorker.js'),
      gpu: config.gpu,
      maxThreads: config.maxThreads,
    }),
    // Off until the UI starts it (`server.start`).
    apiServer: launchApiServer(logger),
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
