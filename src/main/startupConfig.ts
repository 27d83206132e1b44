import { resolve } from 'node:path';
import { AppError } from '../shared/errors';
import { given } from '../shared/given';
import { defaultThreads, physicalCores } from './core/engine/threads';
import { readFileSync } from 'node:fs';
import { defaultDataDir, defaultModelsDir } from './core/paths';
import { resolveHubEndpoint, resolveHubToken } from './core/hub/hubToken';

/**
 * The one start-up configuration of Hearth, for both entries (Electron and `hearth`): command-line
 * flags win over environment variables, which win over defaults. Every `HEARTH_*` variable is read
 * here and nowhere else.
 */
export interface StartupConfig {
  dataDir: string;
  modelsDir: string;
  /** Default generation threads. */
  threads: number;
  /** `false` forces the CPU build of llama.cpp (`HEARTH_GPU=off`). */
  gpu: 'auto' | false;
  /** Upper bound of llama.cpp threads in the engine process. */
  maxThreads: number;
  logLevel: 'debug' | 'info';
  /**
   * Most RAM Hearth may plan to use for a model, in bytes (`HEARTH_MEMORY_LIMIT`, `--memory-limit`):
   * fit labels and load-time choices treat it as the machine's RAM. For shared machines.
   */
  memoryLimitBytes?: number;
  /** Most models resident at once (`HEARTH_MAX_MODELS`, `--max-models`); absent = as many as memory allows. */
  maxModels?: number;
  /** The Hugging Face Hub or a mirror (`HF_ENDPOINT`) and the token (`HF_TOKEN`, else `$HF_HOME/token`). */
  hub: { endpoint: string; token?: string };
  /**
   * The OpenAI-compatible API server, when asked for (`--api-port` or `HEARTH_API_PORT`); off otherwise.
   * `apiKey` from `--api-key` or `HEARTH_API_KEY`.
   */
  api?: { port: number; host: string; apiKey?: string; idleUnloadMinutes?: number; corsOrigins?: string[] };
}

/** What a host may set explicitly (CLI flags; the Electron entry passes none). */
export interface StartupOverrides {
  dataDir?: string;
  modelsDir?: string;
  threads?: number;
  /** A size like `8GB`, `512MB`, `1.5GiB` or a byte count. */
  memoryLimit?: string;
  maxModels?: number;
  apiPort?: number;
  apiHost?: string;
  apiKey?: string;
  apiIdleUnloadMinutes?: number;
  apiCorsOrigins?: string[];
}

export const ENV_VARS = {
  dataDir: 'HEARTH_DATA_DIR',
  modelsDir: 'HEARTH_MODELS_DIR',
  threads: 'HEARTH_THREADS',
  maxModels: 'HEARTH_MAX_MODELS',
  gpu: 'HEARTH_GPU',
  logLevel: 'HEARTH_LOG_LEVEL',
  memoryLimit: 'HEARTH_MEMORY_LIMIT',
  apiPort: 'HEARTH_API_PORT',
  apiKey: 'HEARTH_API_KEY',
} as const;

export function resolveStartupConfig(
  overrides: StartupOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
  defaults: { dataDir?: string; modelsDir?: string; cores?: number } = {},
): StartupConfig {
  const cores = defaults.cores ?? physicalCores();
  const envThreads = env[ENV_VARS.threads] ? parseThreads(env[ENV_VARS.threads]!, ENV_VARS.threads) : undefined;
  const threads = overrides.threads ?? envThreads ?? defaultThreads(cores);
  const gpu = (env[ENV_VARS.gpu] ?? '').toLowerCase();
  const limitText = overrides.memoryLimit ?? env[ENV_VARS.memoryLimit];
  const hub = resolveHub(env);
  const memoryLimitBytes = limitText ? parseByteSize(limitText, overrides.memoryLimit !== undefined ? '--memory-limit' : ENV_VARS.memoryLimit) : undefined;
  const api = resolveApi(overrides, env);
  const envMaxModels = env[ENV_VARS.maxModels] ? parseCount(env[ENV_VARS.maxModels]!, ENV_VARS.maxModels) : undefined;
  const maxModels = overrides.maxModels ?? envMaxModels;
  return {
    ...given({ memoryLimitBytes, maxModels }),
    ...(api ? { api } : {}),
    dataDir: resolve(overrides.dataDir ?? (env[ENV_VARS.dataDir] || defaults.dataDir || defaultDataDir(env))),
    modelsDir: resolve(overrides.modelsDir ?? (env[ENV_VARS.modelsDir] || defaults.modelsDir || defaultModelsDir())),
    threads,
    gpu: gpu === 'off' || gpu === '0' || gpu === 'false' ? false : 'auto',
    maxThreads: Math.max(threads, cores),
    logLevel: env[ENV_VARS.logLevel] === 'debug' ? 'debug' : 'info',
    hub,
  };
}

/**
 * Where `hearth ps` finds a running server's API: flags, else `HEARTH_API_PORT` / `HEARTH_API_KEY`,
 * else port 1234 on 127.0.0.1 without a key.
 */
export function resolveApiClient(overrides: { apiPort?: number; apiHost?: string; apiKey?: string }, env: NodeJS.ProcessEnv = process.env): { origin: string; apiKey?: string } {
  const envPort = Number(env[ENV_VARS.apiPort]);
  const port = overrides.apiPort ?? (Number.isInteger(envPort) && envPort > 0 && envPort <= 65535 ? envPort : 1234);
  const host = overrides.apiHost ?? '127.0.0.1';
  const apiKey = overrides.apiKey ?? (env[ENV_VARS.apiKey] || undefined);
  return { origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, ...(apiKey !== undefined ? { apiKey } : {}) };
}

/** The API server's settings when a port was given by flag or environment; undefined = off. */
function resolveApi(overrides: StartupOverrides, env: NodeJS.ProcessEnv): StartupConfig['api'] {
  const envPort = env[ENV_VARS.apiPort];
  let port = overrides.apiPort;
  if (port === undefined && envPort) {
    port = Number(envPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new AppError('BAD_REQUEST', `${ENV_VARS.apiPort} must be a port from 0 to 65535, got "${envPort.slice(0, 20)}".`);
    }
  }
  if (port === undefined) return undefined;
  const apiKey = overrides.apiKey ?? (env[ENV_VARS.apiKey] || undefined);
  if (apiKey !== undefined && apiKey.length < 8) {
    throw new AppError('BAD_REQUEST', `The API key (${overrides.apiKey !== undefined ? '--api-key' : ENV_VARS.apiKey}) must be at least 8 characters.`);
  }
  return {
    port,
    host: overrides.apiHost ?? '127.0.0.1',
    ...given({ apiKey, idleUnloadMinutes: overrides.apiIdleUnloadMinutes, corsOrigins: overrides.apiCorsOrigins }),
  };
}

function resolveHub(env: NodeJS.ProcessEnv): StartupConfig['hub'] {
  let endpoint: string;
  try {
    endpoint = resolveHubEndpoint(env);
  } catch {
    throw new AppError('BAD_REQUEST', `HF_ENDPOINT must be an http(s) URL such as https://huggingface.co, got "${(env.HF_ENDPOINT ?? '').slice(0, 100)}".`);
  }
  const token = resolveHubToken(env, (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  });
  return token ? { endpoint, token } : { endpoint };
}

function parseCount(value: string, name: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new AppError('BAD_REQUEST', `${name} must be a whole number from 1 to 64, not "${value.slice(0, 40)}".`);
  return count;
}

function parseThreads(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 256) {
    throw new AppError('BAD_REQUEST', `${name} must be a whole number from 1 to 256, got "${value.slice(0, 20)}".`);
  }
  return number;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** `8GB` → 8e9, `1.5GiB` → 1610612736, `512mb` → 5.12e8; at least 64 MB. */
export function parseByteSize(value: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  const bytes = match && unit ? Math.round(Number(match[1]) * unit) : NaN;
  if (!Number.isFinite(bytes) || bytes < 64e6) {
    throw new AppError('BAD_REQUEST', `${name} must be a size of at least 64MB, like 8GB or 1.5GiB; got "${value.slice(0, 20)}".`);
  }
  return bytes;
}
