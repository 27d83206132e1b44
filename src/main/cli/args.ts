import { parseEngineArgs, type EngineOptions } from './engine';
import { contextFlag, integerFlag, numberFlag, parseInteger, readFlags, threadsFlag, type FlagSet } from './flags';
import { parseBenchArgs, parseLabArgs, type BenchOptions, type LabOptions } from './measureArgs';
import { parseProviderArgs, type ProviderOptions } from './providerArgs';
import { USAGE } from './usage';
import { AppError } from '../../shared/errors';
import { given } from '../../shared/given';
import { MAX_TEMPERATURE } from '../../shared/schemas';
import { corsOriginSchema } from '../../shared/serverSchemas';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir?: string;
  modelsDir?: string;
  threads?: number;
  memoryLimit?: string;
  /** Most models resident at once (env HEARTH_MAX_MODELS); default as many as memory allows. */
  maxModels?: number;
  /** Port of the OpenAI-compatible API server; the server runs only when this (or HEARTH_API_PORT) is set. */
  apiPort?: number;
  /** Interface of the API server (default 127.0.0.1). */
  apiHost?: string;
  /** Bearer key API clients must send (env HEARTH_API_KEY). */
  apiKey?: string;
  /** Minutes without API requests before a model the API loaded is unloaded (default 60; 0 = never). */
  apiIdleUnloadMinutes?: number;
  /** Web page origins allowed to call the API from a browser (`--api-cors-origin`, repeatable or comma-separated). */
  apiCorsOrigins?: string[];
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

/** `hearth pull <ref>`: download a model from the Hugging Face Hub (or `HF_ENDPOINT`). */
export interface PullOptions {
  /** `owner/repo`, `owner/repo:Q4_K_M` or a huggingface.co URL, as in the Discover box. */
  reference: string;
  /** Upper-case quantization to pick instead of the Recommended one. */
  quant?: string;
  /** Context the Recommended pick is estimated for, in tokens (default: the fit service's). */
  contextSize?: number;
  /** Download even when nothing in the repo fits this machine (the smallest model), without asking. */
  yes: boolean;
  dataDir?: string;
  modelsDir?: string;
}

/** `hearth rm <model>`: delete a model from the library (the models folder or an added folder). */
export interface RmOptions {
  /** Library id (`owner/repo/file.gguf`) or a file name that names one model. */
  model: string;
  /** Delete without asking (for scripts; required without a terminal). */
  yes: boolean;
  modelsDir?: string;
  /** Where the added library folders are recorded (settings). */
  dataDir?: string;
}

/** `hearth run <model> [prompt]`: one reply, or a chat in the terminal, on an in-process core. */
export interface RunOptions {
  /** Library id, file name (with or without `.gguf`) or `owner/repo`, as the API's `model` field. */
  model: string;
  /** The prompt (the remaining words joined by spaces); absent: a chat on a terminal, else stdin. */
  prompt?: string;
  /** Most tokens per reply. */
  maxTokens?: number;
  /** Sampling temperature, 0 (greedy) to 2. */
  temperature?: number;
  /** Context of the load, in tokens (default: what the load plan finds fits). */
  contextSize?: number;
  dataDir?: string;
  modelsDir?: string;
  threads?: number;
}

/** `hearth ps`: what a running `hearth serve --api-port N` has loaded, asked over its API. */
export interface PsOptions {
  /** The API's port (default HEARTH_API_PORT, else 1234). */
  apiPort?: number;
  /** The API's host (default 127.0.0.1). */
  apiHost?: string;
  /** The API key, when the server needs one (default HEARTH_API_KEY). */
  apiKey?: string;
  json: boolean;
}

export type Command =
  | { name: 'provider'; options: ProviderOptions }
  | { name: 'engine'; options: EngineOptions }
  | { name: 'run'; options: RunOptions }
  | { name: 'ps'; options: PsOptions }
  | { name: 'lab'; options: LabOptions }
  | { name: 'bench'; options: BenchOptions }
  | { name: 'serve'; options: ServeOptions }
  | { name: 'pull'; options: PullOptions }
  | { name: 'rm'; options: RmOptions }
  | { name: 'ls'; options: Pick<ServeOptions, 'modelsDir' | 'dataDir'> }
  | { name: 'hardware'; options: HardwareOptions }
  | { name: 'help' }
  | { name: 'version' };

export const DEFAULT_PORT = 8317;

/**
 * Parses `hearth` arguments. Flags only: environment variables and defaults are applied by
 * `resolveStartupConfig`, the one start-up configuration. Throws BAD_REQUEST with a reason.
 */
export function parseArgs(argv: string[]): Command {
  const [name = 'help', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') return { name: 'help' };
  if (name === 'version' || name === '--version' || name === '-v') return { name: 'version' };
  if (name === 'pull' || name === 'rm') return parseModelCommand(name, rest);
  if (name === 'run') return parseRun(rest);
  if (name === 'ps') return parsePs(rest);
  if (name === 'provider') return { name: 'provider', options: parseProviderArgs(rest) };
  if (name === 'engine') return { name: 'engine', options: parseEngineArgs(rest) };
  if (name === 'lab') return { name: 'lab', options: parseLabArgs(rest) };
  if (name === 'bench') return { name: 'bench', options: parseBenchArgs(rest) };
  if (name !== 'serve' && name !== 'ls' && name !== 'hardware') throw new AppError('BAD_REQUEST', `Unknown command "${name}".\n\n${USAGE}`);

  const flags = readFlags(rest, name === 'hardware' ? HARDWARE_FLAGS : name === 'serve' ? SERVE_API_FLAGS : SERVE_FLAGS);
  const folders = given({ dataDir: flags.get('data-dir'), modelsDir: flags.get('models-dir') });
  const memoryLimit = given({ memoryLimit: flags.get('memory-limit') });
  if (name === 'hardware') return { name, options: { json: flags.has('json'), ...given({ contextSize: contextFlag(flags) }), ...folders, ...memoryLimit } };
  const cors = flags.get('api-cors-origin');
  const apiCorsOrigins = cors?.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of apiCorsOrigins ?? []) {
    const checked = corsOriginSchema.safeParse(origin);
    if (!checked.success) throw new AppError('BAD_REQUEST', `--api-cors-origin "${origin.slice(0, 100)}" ${checked.error.issues[0]?.message ?? 'is not an origin'}.`);
  }
  const options: ServeOptions = {
    host: flags.get('host') ?? '127.0.0.1',
    port: parseInteger('port', flags.get('port') ?? String(DEFAULT_PORT), 0, 65535),
    ...folders,
    ...memoryLimit,
    ...given({
      threads: threadsFlag(flags),
      maxModels: integerFlag(flags, 'max-models', 1, 64),
      apiPort: integerFlag(flags, 'api-port', 0, 65535),
      apiHost: flags.get('api-host'),
      apiKey: flags.get('api-key'),
      apiIdleUnloadMinutes: integerFlag(flags, 'api-idle-ttl', 0, 7 * 24 * 60),
      apiCorsOrigins,
    }),
  };
  // `ls` takes serve's flags (and checks them) but needs only the folders.
  return name === 'ls' ? { name, options: folders } : { name, options };
}

/** `pull` and `rm`: one positional argument (the model) plus flags. */
function parseModelCommand(name: 'pull' | 'rm', args: string[]): Command {
  const positional: string[] = [];
  const flags = readFlags(args, name === 'pull' ? PULL_FLAGS : RM_FLAGS, positional);
  const what = name === 'pull' ? 'a model reference such as owner/repo or owner/repo:Q4_K_M' : 'the model to delete (its id or file name)';
  if (positional.length === 0) throw new AppError('BAD_REQUEST', `hearth ${name} needs ${what}.`);
  if (positional.length > 1) throw new AppError('BAD_REQUEST', `hearth ${name} takes one model, got ${positional.length}: ${positional.join(' ')}.`);
  const target = positional[0]!;
  const yes = flags.has('yes');
  const folders = given({ modelsDir: flags.get('models-dir'), dataDir: flags.get('data-dir') });
  if (name === 'rm') return { name, options: { model: target, yes, ...folders } };
  const quant = flags.get('quant');
  if (quant !== undefined && !/^[A-Za-z0-9_]{1,32}$/.test(quant)) throw new AppError('BAD_REQUEST', `--quant must be a quantization name such as Q4_K_M, got "${quant.slice(0, 40)}".`);
  return { name, options: { reference: target, yes, ...given({ quant: quant?.toUpperCase(), contextSize: contextFlag(flags) }), ...folders } };
}

function parseRun(args: string[]): Command {
  const positional: string[] = [];
  const flags = readFlags(args, RUN_FLAGS, positional);
  const [model, ...words] = positional;
  if (model === undefined) throw new AppError('BAD_REQUEST', 'hearth run needs a model: its id, file name or owner/repo (hearth ls lists them).');
  const options: RunOptions = {
    model,
    ...given({
      prompt: words.length > 0 ? words.join(' ') : undefined,
      maxTokens: integerFlag(flags, 'max-tokens', 1, 1_000_000),
      temperature: numberFlag(flags, 'temperature', 0, MAX_TEMPERATURE),
      contextSize: contextFlag(flags),
      threads: threadsFlag(flags),
      dataDir: flags.get('data-dir'),
      modelsDir: flags.get('models-dir'),
    }),
  };
  return { name: 'run', options };
}

function parsePs(args: string[]): Command {
  const flags = readFlags(args, PS_FLAGS);
  const options: PsOptions = { json: flags.has('json'), ...given({ apiPort: integerFlag(flags, 'api-port', 1, 65535), apiHost: flags.get('api-host'), apiKey: flags.get('api-key') }) };
  return { name: 'ps', options };
}

const SERVE_FLAGS: FlagSet = new Map(['host', 'port', 'data-dir', 'models-dir', 'threads', 'memory-limit'].map((key) => [key, false]));
/** `serve` alone also takes the API server's options. */
const SERVE_API_FLAGS: FlagSet = new Map([...SERVE_FLAGS, ...['max-models', 'api-port', 'api-host', 'api-key', 'api-idle-ttl', 'api-cors-origin'].map((key): [string, boolean] => [key, false])]);
const HARDWARE_FLAGS: FlagSet = new Map([
  ['json', true],
  ['context', false],
  ['data-dir', false],
  ['models-dir', false],
  ['memory-limit', false],
]);

const PULL_FLAGS: FlagSet = new Map([
  ['quant', false],
  ['context', false],
  ['yes', true],
  ['data-dir', false],
  ['models-dir', false],
]);
const RM_FLAGS: FlagSet = new Map([
  ['yes', true],
  ['models-dir', false],
  ['data-dir', false],
]);
const RUN_FLAGS: FlagSet = new Map(['max-tokens', 'temperature', 'context', 'threads', 'data-dir', 'models-dir'].map((key) => [key, false]));
const PS_FLAGS: FlagSet = new Map([
  ['api-port', false],
  ['api-host', false],
  ['api-key', false],
  ['json', true],
]);
