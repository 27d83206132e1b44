import { AppError } from '../../shared/errors';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir?: string;
  modelsDir?: string;
  threads?: number;
}

export type Command =
  | { name: 'serve'; options: ServeOptions }
  | { name: 'ls'; options: Pick<ServeOptions, 'modelsDir'> }
  | { name: 'help' }
  | { name: 'version' };

export const USAGE = `Usage: hearth <command> [options]

Commands:
  serve     Run Hearth without a window: the UI in any browser, the API for other apps
  ls        List the models in the models folder
  help      Show this help

serve options:
  --host H          Interface to listen on (default 127.0.0.1; 0.0.0.0 serves the LAN)
  --port N          Port (default 8317; 0 picks a free one)
  --data-dir D      Settings and chats (env HEARTH_DATA_DIR)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)
  --threads N       Generation threads (env HEARTH_THREADS)
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
  if (name !== 'serve' && name !== 'ls') throw new AppError('BAD_REQUEST', `Unknown command "${name}".\n\n${USAGE}`);

  const flags = readFlags(rest);
  const options: ServeOptions = {
    host: flags.get('host') ?? '127.0.0.1',
    port: parseInteger('port', flags.get('port') ?? String(DEFAULT_PORT), 0, 65535),
  };
  const dataDir = flags.get('data-dir');
  const modelsDir = flags.get('models-dir');
  if (dataDir !== undefined) options.dataDir = dataDir;
  if (modelsDir !== undefined) options.modelsDir = modelsDir;
  const threads = flags.get('threads');
  if (threads !== undefined) options.threads = parseInteger('threads', threads, 1, 256);
  if (name === 'ls') return { name: 'ls', options: modelsDir !== undefined ? { modelsDir } : {} };
  return { name: 'serve', options };
}

const KNOWN_FLAGS = new Set(['host', 'port', 'data-dir', 'models-dir', 'threads']);

function readFlags(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new AppError('BAD_REQUEST', `Unexpected argument "${arg}".`);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    if (!KNOWN_FLAGS.has(key)) throw new AppError('BAD_REQUEST', `Unknown option "--${key}".`);
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
