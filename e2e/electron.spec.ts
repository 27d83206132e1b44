import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';
import { _electron as electron } from 'playwright-core';

// Desktop-window checks. They need Electron's binary, which `npm install` fetches on a normal
// machine but which cannot be downloaded here; without it they skip and say why.
// Found without `require('electron')`: requiring it when the binary is missing starts a download.
function electronBinary(): string | undefined {
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

const binary = electronBinary();

test.describe('Electron window', () => {
  test.skip(!binary, 'Electron binary not installed (electron@45 installs without it here); run `npx electron install` or `node node_modules/electron/install.js` on a machine with internet to enable.');

  test('opens a secure window that shows the app', async () => {
    const app = await electron.launch({ executablePath: binary, args: ['.'], env: { ...process.env, HEARTH_GPU: 'off' } });
    const window = await app.firstWindow();
    await expect(window).toHaveTitle('Hearth');
    // Sandboxed, isolated page: no Node globals, only the preload's bridge.
    const globals = await window.evaluate(() => {
      const w = window as unknown as { require?: unknown; process?: unknown; bridge?: { call?: unknown } };
      return { require: typeof w.require, process: typeof w.process, bridgeCall: typeof w.bridge?.call };
    });
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridgeCall: 'function' });
    await app.close();
  });
});
