import { AppError } from '../../shared/errors';
import { given } from '../../shared/given';
import { integerFlag, parseInteger, readFlags, threadsFlag, type FlagSet } from './flags';
import { MAX_THREADS } from '../../shared/schemas';

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
  const threads = flags.get('threads');
  return {
    model: positional[0]!,
    json: flags.has('json'),
    ...given({
      threads: threads === undefined ? undefined : [...new Set(threads.split(',').map((part) => parseInteger('threads', part.trim(), 1, MAX_THREADS)))],
      promptTokens: integerFlag(flags, 'prompt', 1, 8192),
      genTokens: integerFlag(flags, 'gen', 1, 4096),
      repetitions: integerFlag(flags, 'repetitions', 1, 10),
      dataDir: flags.get('data-dir'),
      modelsDir: flags.get('models-dir'),
    }),
  };
}

export function parseLabArgs(args: string[]): LabOptions {
  const models: string[] = [];
  const flags = readFlags(args, LAB_FLAGS, models);
  if (models.length < 2) throw new AppError('BAD_REQUEST', 'hearth lab needs two or more models of one model family (hearth ls lists them).');
  return {
    models,
    json: flags.has('json'),
    ...given({
      contextSize: integerFlag(flags, 'context', 64, 8192),
      chunks: integerFlag(flags, 'chunks', 1, 10_000),
      threads: threadsFlag(flags),
      textFile: flags.get('text'),
      base: flags.get('base'),
      logitsFile: flags.get('logits'),
      dataDir: flags.get('data-dir'),
      modelsDir: flags.get('models-dir'),
    }),
  };
}
