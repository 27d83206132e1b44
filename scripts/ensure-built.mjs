// Builds the app (electron-vite) when out/ is missing or older than the sources.
// `--force` always rebuilds: tests must never run against a stale build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNative } from './buildNative.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['out/main/headless.js', 'out/main/engineWorker.js', 'out/renderer/index.html'].map((p) => join(root, p));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const force = process.argv.includes('--force');
const missing = outputs.some((p) => !existsSync(p));
const stale = !missing && newestMtime(join(root, 'src')) > Math.min(...outputs.map((p) => statSync(p).mtimeMs));
if (force || missing || stale) {
  execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
// The engine's native helper (a no-op when it is up to date, or on platforms without it).
buildNative();
