/**
 * Electron entry: lifecycle, one secure window, the IPC host, and what the OS asks the app to
 * open (hearth:// links, .gguf files). All behaviour lives in core; the rules applied here are
 * plain modules in ./electron (navigationPolicy, permissions, launchTargets).
 */
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from './core/createCore';
import { createConsoleLogger } from './core/logging/logger';
import { launchApiServer } from './hosts/api/apiServer';
import { attachIpcHost, forwardEvents } from './electron/ipcHost';
import { launchTargetsFromArgv, parseDeepLink, PROTOCOL } from './electron/launchTargets';
import { isTrustedSenderFrame } from './electron/navigationPolicy';
import { LaunchTargetOpener } from './electron/openTargets';
import { utilityEngineLauncher } from './electron/utilityEngineLauncher';
import { lockDownSession, lockDownWindow } from './electron/windowSecurity';
import { resolveStartupConfig } from './startupConfig';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { safeStorageSecrets } from './electron/safeStorageSecrets';

const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href;
let core: Core | undefined;
const opener = new LaunchTargetOpener<BrowserWindow>();

// One instance: a second start (a hearth:// link, "Open with Hearth" on a .gguf) hands its
// command line to the first and quits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const targets = launchTargetsFromArgv(argv, workingDirectory);
    if (targets.length === 0) focusWindow();
    for (const target of targets) void opener.open(target);
  });
  // macOS delivers links and files as events, possibly before `ready` (the opener queues them).
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const target = parseDeepLink(url);
    if (target) void opener.open(target);
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    for (const target of launchTargetsFromArgv(['', path])) void opener.open(target);
  });
  for (const target of launchTargetsFromArgv(process.argv)) void opener.open(target);
  // Packaged on Windows and Linux the app registers itself for hearth:// (macOS reads the
  // bundle's Info.plist). A development run does not take the scheme over.
  if (app.isPackaged && process.platform !== 'darwin') app.setAsDefaultProtocolClient(PROTOCOL);
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  // The same start-up configuration as `hearth serve` (HEARTH_* variables), with Electron's userData as the data folder.
  const config = resolveStartupConfig({}, process.env, { dataDir: app.getPath('userData') });
  const logger = createConsoleLogger(config.logLevel);
  const appCore = await createCore({
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
    secrets: safeStorageSecrets(config.dataDir),
    refreshProviders: true,
  });
  core = appCore;
  lockDownSession(session.defaultSession, rendererUrl, CONTENT_SECURITY_POLICY);
  attachIpcHost(ipcMain, appCore, (event) => isTrustedSenderFrame(event.senderFrame, rendererUrl));
  createWindow(appCore);
  opener.start({
    core: appCore,
    appUrl: rendererUrl,
    window: () => BrowserWindow.getAllWindows()[0] ?? createWindow(appCore),
    showError: (window, message, detail) => dialog.showMessageBox(window, { type: 'error', message, detail }),
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(appCore);
  });
}

function createWindow(appCore: Core): BrowserWindow {
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
  return window;
}

function focusWindow(): void {
  const [window] = BrowserWindow.getAllWindows();
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
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
