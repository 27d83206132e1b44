// Builds the engine's native helper (src/native/ggmlThreadpool.c → out/native/ggml-threadpool.node):
// on Linux with a C compiler (CC, else cc); elsewhere, or without one, it says so and exits 0 — the
// engine then runs without it (ggml makes its threads per decode, as before). Runs on install
// (postinstall) and from scripts/ensure-built.mjs when the output is missing or older than its source.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'src/native/ggmlThreadpool.c');
const headers = [join(root, 'src/native')];
export const nativeOutput = join(root, 'out/native/ggml-threadpool.node');

export function buildNative({ force = false } = {}) {
  if (process.platform !== 'linux') return console.log(`buildNative: skipped on ${process.platform} (the threadpool helper is Linux-only)`);
  const newest = Math.max(statSync(source).mtimeMs, statSync(join(root, 'src/native/ggml-abi.h')).mtimeMs);
  if (!force && existsSync(nativeOutput) && statSync(nativeOutput).mtimeMs >= newest) return;
  mkdirSync(join(root, 'out/native'), { recursive: true });
  const cc = process.env.CC || 'cc';
  // Built beside it, then renamed over it: an engine running the old one keeps its mapping.
  const partial = `${nativeOutput}.${process.pid}.partial`;
  try {
    execFileSync(cc, ['-O2', '-Wall', '-shared', '-fPIC', '-fvisibility=hidden', ...headers.map((h) => `-I${h}`), source, '-o', partial, '-ldl'], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(partial, nativeOutput);
    console.log(`buildNative: built ${nativeOutput}`);
  } catch (error) {
    rmSync(partial, { force: true });
    console.log(`buildNative: not built (${cc}: ${error.code ?? error.message}); engines run without the threadpool helper`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildNative({ force: process.argv.includes('--force') });
