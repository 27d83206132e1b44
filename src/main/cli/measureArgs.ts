import { AppError } from '../../shared/errors';
import { parseInteger, readFlags, type FlagSet } from './flags';

/** Arguments of the commands that measure models: `hearth bench` and `hearth lab`. */

/** `hearth bench <model>`: the machine benchmark of one library model. */
export interface BenchOptions {
  /** Library id, file name (with or without `.gguf`) or `owner/repo`, as `hearth run` takes it. */
  model: string;
  /** Thread counts to measure (default 1 to the physical cores). */
  threads?: number[];
  /** Tokens of the pp test (default 512). */
  promptTokens?: number;
  /** Tokens of the tg test (default 128). */
  genTokens?: number;
  /** Repetitions of each test (default 2). */
  repetitions?: number;
  /** The result as JSON on stdout (progress on stderr). */
  json: boolean;
  dataDir?: string;
  modelsDir?: string;
}

/** `hearth lab <model> <model> …`: the quantization lab on files of one model. */
export interface LabOptions {
  /** Two or more library models (id, file name with or without `.gguf`). */
  models: string[];
  /** The user's text file; default the bundled sample. */
  textFile?: string;
  /** Tokens per chunk (default 512). */
  contextSize?: number;
  /** At most this many chunks (default all the text holds). */
  chunks?: number;
  /** The reference file (default the largest). */
  base?: string;
  /** Keep the base's log-probabilities in this file (llama-perplexity's --kl-divergence-base format). */
  logitsFile?: string;
  json: boolean;
  threads?: number;
  dataDir?: string;
  modelsDir?: string;
}

const BENCH_FLAGS: FlagSet = new Map([
  ['threads', false],
  ['prompt', false],
  ['gen', false],
  ['repetitions', false],
  ['json', true],
  ['data-dir', false],
  ['models-dir', false],
]);
const LAB_FLAGS: FlagSet = new Map([
  ['text', false],
  ['context', false],
  ['chunks', false],
  ['base', false],
  ['logits', false],
  ['json', true],
  ['threads', false],
  ['data-dir', false],
  ['models-dir', false],
]);

export function parseBenchArgs(args: string[]): BenchOptions {
  const positional: string[] = [];
  const flags = readFlags(args, BENCH_FLAGS, positional);
  if (positional.length !== 1) throw new AppError('BAD_REQUEST', 'hearth bench takes one model: its id, file name or owner/repo (hearth ls lists them).');
  const options: BenchOptions = { model: positional[0]!, json: flags.has('json') };
  const threads = flags.get('threads');
  if (threads !== undefined) {
    const counts = threads.split(',').map((part) => parseInteger('threads', part.trim(), 1, 256));
    options.threads = [...new Set(counts)];
  }
  const prompt = flags.get('prompt');
  if (prompt !== undefined) options.promptTokens = parseInteger('prompt', prompt, 1, 8192);
  const gen = flags.get('gen');
  if (gen !== undefined) options.genTokens = parseInteger('gen', gen, 1, 4096);
  const repetitions = flags.get('repetitions');
  if (repetitions !== undefined) options.repetitions = parseInteger('repetitions', repetitions, 1, 10);
  const dataDir = flags.get('data-dir');
  if (dataDir !== undefined) options.dataDir = dataDir;
  const modelsDir = flags.get('models-dir');
  if (modelsDir !== undefined) options.modelsDir = modelsDir;
  return options;
}

export function parseLabArgs(args: string[]): LabOptions {
  const models: string[] = [];
  const flags = readFlags(args, LAB_FLAGS, models);
  if (models.length < 2) throw new AppError('BAD_REQUEST', 'hearth lab needs two or more models of one model family (hearth ls lists them).');
  const options: LabOptions = { models, json: flags.has('json') };
  const context = flags.get('context');
  if (context !== undefined) options.contextSize = parseInteger('context', context, 64, 8192);
  const chunks = flags.get('chunks');
  if (chunks !== undefined) options.chunks = parseInteger('chunks', chunks, 1, 10_000);
  const threads = flags.get('threads');
  if (threads !== undefined) options.threads = parseInteger('threads', threads, 1, 256);
  for (const [flag, key] of [['text', 'textFile'], ['base', 'base'], ['logits', 'logitsFile'], ['data-dir', 'dataDir'], ['models-dir', 'modelsDir']] as const) {
    const value = flags.get(flag);
    if (value !== undefined) options[key] = value;
  }
  return options;
}
