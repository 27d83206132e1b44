import { AppError } from '../../shared/errors';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir?: string;
  modelsDir?: string;
  threads?: number;
  memoryLimit?: string;
}

/** `hearth hardware`: this machine, and how each local model would run on it. */
export interface HardwareOptions {
  /** One JSON object `{hardware, models}` on stdout instead of text. */
  json: boolean;
  /** Context per sequence the fits are estimated for, in tokens (default: the fit service's). */
  contextSize?: number;
  dataDir?: string;
  modelsDir?: string;
  memoryLimit?: string;
}

export type Command =
  | { name: 'serve'; options: ServeOptions }
  | { name: 'ls'; options: Pick<ServeOptions, 'modelsDir'> }
  | { name: 'hardware'; options: HardwareOptions }
  | { name: 'help' }
  | { name: 'version' };

export const USAGE = `Usage: hearth <command> [options]

Commands:
  serve     Run Hearth without a window: the UI in any browser, the API for other apps
  ls        List the models in the models folder
  hardware  This machine (CPU, RAM, GPUs, what llama.cpp sees) and how each model would run on it
  help      Show this help

serve options:
  --host H          Interface to listen on (default 127.0.0.1; 0.0.0.0 serves the LAN)
  --port N          Port (default 8317; 0 picks a free one)
  --data-dir D      Settings and chats (env HEARTH_DATA_DIR)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)
  --threads N       Generation threads (env HEARTH_THREADS)
  --memory-limit S  Most RAM a model may plan to use, e.g. 8GB (env HEARTH_MEMORY_LIMIT)

hardware options:
  --json            One JSON object {hardware, models} on stdout, for scripts
  --context N       Context to estimate the fits for, in tokens (256 to 1048576; default 8192,
                    capped by each model's trained length)
  --data-dir D      Settings (env HEARTH_DATA_DIR)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)
  --memory-limit S  Most RAM a model may plan to use, e.g. 8GB (env HEARTH_MEMORY_LIMIT)
`;

export const DEFAULT_PORT = 8317;

/**
 * Parses `hearth` arguments. Flags only: environment variables and defaults are applied by
 * `resolveStartupConfig`, the one start-up configuration. Throws BAD_REQUEST with a reason.
 */
export function parseArgs(argv: string[]): Command {
  const [name = 'help', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') return { name: 'help' };
  if (name === 'version' || name === '--version' || name === '-v') return { name: 'version' };
  if (name !== 'serve' && name !== 'ls' && name !== 'hardware') throw new AppError('BAD_REQUEST', `Unknown command "${name}".\n\n${USAGE}`);

  const flags = readFlags(rest, name === 'hardware' ? HARDWARE_FLAGS : SERVE_FLAGS);
  const dataDir = flags.get('data-dir');
  const modelsDir = flags.get('models-dir');
  const memoryLimit = flags.get('memory-limit');
  if (name === 'hardware') {
    const options: HardwareOptions = { json: flags.has('json') };
    const context = flags.get('context');
    if (context !== undefined) options.contextSize = parseInteger('context', context, 256, 1_048_576);
    if (dataDir !== undefined) options.dataDir = dataDir;
    if (modelsDir !== undefined) options.modelsDir = modelsDir;
    if (memoryLimit !== undefined) options.memoryLimit = memoryLimit;
    return { name: 'hardware', options };
  }
  const options: ServeOptions = {
    host: flags.get('host') ?? '127.0.0.1',
    port: parseInteger('port', flags.get('port') ?? String(DEFAULT_PORT), 0, 65535),
  };
  if (dataDir !== undefined) options.dataDir = dataDir;
  if (modelsDir !== undefined) options.modelsDir = modelsDir;
  const threads = flags.get('threads');
  if (threads !== undefined) options.threads = parseInteger('threads', threads, 1, 256);
  if (memoryLimit !== undefined) options.memoryLimit = memoryLimit;
  if (name === 'ls') return { name: 'ls', options: modelsDir !== undefined ? { modelsDir } : {} };
  return { name: 'serve', options };
}

/** Options a command accepts: `true` for switches (no value), `false` for options with a value. */
type FlagSet = ReadonlyMap<string, boolean>;
const SERVE_FLAGS: FlagSet = new Map(['host', 'port', 'data-dir', 'models-dir', 'threads', 'memory-limit'].map((key) => [key, false]));
const HARDWARE_FLAGS: FlagSet = new Map([
  ['json', true],
  ['context', false],
  ['data-dir', false],
  ['models-dir', false],
  ['memory-limit', false],
]);

function readFlags(args: string[], known: FlagSet): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new AppError('BAD_REQUEST', `Unexpected argument "${arg}".`);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    const isSwitch = known.get(key);
    if (isSwitch === undefined) throw new AppError('BAD_REQUEST', `Unknown option "--${key}".`);
    if (isSwitch) {
      if (eq !== -1) throw new AppError('BAD_REQUEST', `Option "--${key}" takes no value.`);
      flags.set(key, 'true');
      continue;
    }
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new AppError('BAD_REQUEST', `Option "--${key}" needs a value.`);
    flags.set(key, value);
  }
  return flags;
}

function parseInteger(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new AppError('BAD_REQUEST', `--${name} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return number;
}
