import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { AppError } from '../shared/errors';
import { defaultThreads } from './core/engine/threads';
import { defaultDataDir, defaultModelsDir } from './core/paths';

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
}

/** What a host may set explicitly (CLI flags; the Electron entry passes none). */
export interface StartupOverrides {
  dataDir?: string;
  modelsDir?: string;
  threads?: number;
}

export const ENV_VARS = {
  dataDir: 'HEARTH_DATA_DIR',
  modelsDir: 'HEARTH_MODELS_DIR',
  threads: 'HEARTH_THREADS',
  gpu: 'HEARTH_GPU',
  logLevel: 'HEARTH_LOG_LEVEL',
} as const;

export function resolveStartupConfig(
  overrides: StartupOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
  defaults: { dataDir?: string; modelsDir?: string; cores?: number } = {},
): StartupConfig {
  const cores = defaults.cores ?? availableParallelism();
  const envThreads = env[ENV_VARS.threads] ? parseThreads(env[ENV_VARS.threads]!, ENV_VARS.threads) : undefined;
  const threads = overrides.threads ?? envThreads ?? defaultThreads(cores);
  const gpu = (env[ENV_VARS.gpu] ?? '').toLowerCase();
  return {
    dataDir: resolve(overrides.dataDir ?? (env[ENV_VARS.dataDir] || defaults.dataDir || defaultDataDir(env))),
    modelsDir: resolve(overrides.modelsDir ?? (env[ENV_VARS.modelsDir] || defaults.modelsDir || defaultModelsDir())),
    threads,
    gpu: gpu === 'off' || gpu === '0' || gpu === 'false' ? false : 'auto',
    maxThreads: Math.max(threads, cores),
    logLevel: env[ENV_VARS.logLevel] === 'debug' ? 'debug' : 'info',
  };
}

function parseThreads(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 256) {
    throw new AppError('BAD_REQUEST', `${name} must be a whole number from 1 to 256, got "${value.slice(0, 20)}".`);
  }
  return number;
}
