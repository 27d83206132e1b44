import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The engine's native helper that keeps ggml's compute threads alive between decodes
 * (src/native/ggmlThreadpool.c says how and why). Loaded once, at the top of the engine process,
 * before node-llama-cpp loads llama.cpp; never in the host.
 *
 * It is loaded only where it is known to fit: Linux, built (scripts/buildNative.mjs), and the
 * node-llama-cpp version and llama.cpp release whose structures it declares. `HEARTH_GGML_THREADPOOL=off`
 * in the engine's environment turns it off (for A/B measurements).
 */

/** The node-llama-cpp version and llama.cpp release src/native/ggml-abi.h was written against. */
export const THREADPOOL_ABI = { nodeLlamaCpp: '3.22.1', llamaCpp: 'v0.5.0' } as const;
/** Where scripts/buildNative.mjs puts the helper, from the package root. */
const OUTPUT = join('out', 'native', 'ggml-threadpool.node');

export interface GgmlThreadpoolStatus {
  /** Whether the helper is in this process; `reason` says why not. */
  loaded: boolean;
  reason: string | null;
  /** Graphs computed since the process started, how many of them on a kept threadpool, pools made, and the widest pool's threads. */
  computes: number;
  pooled: number;
  pools: number;
  widest: number;
}

interface Helper {
  status(): { computes: number; pooled: number; pools: number; widest: number };
}

let helper: Helper | null = null;
let reason: string | null = 'not loaded yet';

/** Loads the helper if it fits this process (see above); safe to call more than once. */
export function loadGgmlThreadpool(env: NodeJS.ProcessEnv = process.env): GgmlThreadpoolStatus {
  if (helper || reason !== 'not loaded yet') return ggmlThreadpoolStatus();
  reason = whyNot(env);
  if (reason === null) {
    const path = join(packageRoot()!, OUTPUT);
    try {
      const module = { exports: {} as Helper };
      process.dlopen(module, path, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL);
      helper = module.exports;
    } catch (error) {
      reason = `it could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return ggmlThreadpoolStatus();
}

export function ggmlThreadpoolStatus(): GgmlThreadpoolStatus {
  const counts = helper?.status() ?? { computes: 0, pooled: 0, pools: 0, widest: 0 };
  return { loaded: helper !== null, reason: helper ? null : reason, ...counts };
}

/** Why an engine process with this environment would not load the helper, or null when it would. */
export function whyNot(env: NodeJS.ProcessEnv): string | null {
  const root = packageRoot();
  return threadpoolRefusal({ env, platform: process.platform, built: root !== null, versions: root ? installedVersions(root) : null });
}

/** Why the helper must not be loaded here, or null when it may. */
export function threadpoolRefusal(here: {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  built: boolean;
  versions: { nodeLlamaCpp: string | null; llamaCpp: string | null } | null;
}): string | null {
  if (here.env.HEARTH_GGML_THREADPOOL === 'off') return 'turned off (HEARTH_GGML_THREADPOOL=off)';
  if (here.platform !== 'linux') return `not available on ${here.platform}`;
  if (!here.built || !here.versions) return 'not built (npm install builds it with a C compiler: scripts/buildNative.mjs)';
  const { nodeLlamaCpp, llamaCpp } = here.versions;
  if (nodeLlamaCpp !== THREADPOOL_ABI.nodeLlamaCpp || llamaCpp !== THREADPOOL_ABI.llamaCpp) {
    return `written for node-llama-cpp ${THREADPOOL_ABI.nodeLlamaCpp} (llama.cpp ${THREADPOOL_ABI.llamaCpp}), found ${nodeLlamaCpp ?? 'none'} (${llamaCpp ?? 'unknown'})`;
  }
  return null;
}

/** The package root holding the built helper, found from this module up (works from src/ and out/, and unpacked beside an asar). */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url)).replace(/app\.asar([/\\])/, 'app.asar.unpacked$1');
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, OUTPUT))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** node-llama-cpp's version and its llama.cpp release, as installed beside the helper. */
function installedVersions(root: string): { nodeLlamaCpp: string | null; llamaCpp: string | null } {
  const read = (file: string, field: string): string | null => {
    try {
      const value = (JSON.parse(readFileSync(join(root, 'node_modules', 'node-llama-cpp', file), 'utf8')) as Record<string, unknown>)[field];
      return typeof value === 'string' ? value : null;
    } catch {
      return null;
    }
  };
  return { nodeLlamaCpp: read('package.json', 'version'), llamaCpp: read(join('llama', 'llama.cpp.info.json'), 'tag') };
}
