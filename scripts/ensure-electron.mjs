// Runs before `npm start` and `npm run dev` (prestart, predev): Electron's binary is not part of
// its npm package (electron 45 has no install script; the binary is fetched on first use), so
// when it is missing this fetches it with Electron's own installer (node_modules/electron/
// install.js: its cache, checksums, mirrors — ELECTRON_MIRROR —, and its progress bar), then
// lets the app start. When that fails (offline), it says so in one line, names the headless
// alternative `npm run serve`, and exits 1. Nothing is printed when the binary is there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Whether Electron's binary is in place in `electronDir` (node_modules/electron): the installer
 * writes `path.txt` (the executable below `dist/`) last, after extracting.
 */
export function electronBinary(electronDir) {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** The one line said when the binary cannot be had; `reason` is the installer's own first line. */
export function failureLine(reason) {
  const offline = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH/.test(reason);
  return `hearth: could not fetch Electron's binary (${offline ? 'offline? ' : ''}${reason}). Without it, run Hearth headless with \`npm run serve\` (the app in your browser), or run \`npm start\` again once online.`;
}

/** Fetches the binary with Electron's installer; returns undefined when it is in place, else why not. */
export function installElectron(electronDir, env = process.env) {
  const errorDir = mkdtempSync(join(tmpdir(), 'hearth-electron-install-'));
  const errorFile = join(errorDir, 'error.txt');
  try {
    const hook = new URL('./electron-installer-errors.mjs', import.meta.url).href;
    const { status, error } = spawnSync(process.execPath, ['--import', hook, join(electronDir, 'install.js')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...env, HEARTH_ELECTRON_INSTALL_ERROR: errorFile },
    });
    if (status === 0 && electronBinary(electronDir)) return undefined;
    const said = existsSync(errorFile) ? readFileSync(errorFile, 'utf8').split('\n').find((line) => line.trim() !== '') : undefined;
    return said?.trim() || error?.message || `its installer exited with code ${status}`;
  } finally {
    rmSync(errorDir, { recursive: true, force: true });
  }
}

function main() {
  // electron-vite starts the binary named by ELECTRON_EXEC_PATH when it is set.
  if (process.env.ELECTRON_EXEC_PATH && existsSync(process.env.ELECTRON_EXEC_PATH)) return 0;
  // HEARTH_ELECTRON_DIR: where the electron package is (tests point it at a copy).
  const electronDir = process.env.HEARTH_ELECTRON_DIR ?? dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  if (electronBinary(electronDir)) return 0;
  const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
  console.log(`Electron's binary is not installed yet: fetching Electron ${version} with its installer (a progress bar appears if it takes over 30 s)…`);
  const failure = installElectron(electronDir);
  if (failure === undefined) {
    console.log(`Electron ${version} is ready.`);
    return 0;
  }
  console.error(failureLine(failure));
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(main());
