/**
 * `hearth lab <model> <model> …`: the quantization lab from the terminal, on a core of its own
 * (no server needed). Progress goes to stderr (one line redrawn on a terminal, a plain line every
 * 2 s otherwise), the result to stdout: a Markdown table, or with `--json` the whole run (per file
 * `size`, `ppl`, `pplRatio`, `kldMean`, `kldStderr`, `sameTopPercent`, `rmsDeltaP`,
 * `ppTokensPerSecond`, `tgTokensPerSecond` and more; see `LabFileResult`). Ctrl-C cancels
 * (exit 130) and keeps the files finished so far.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AppError, toErrorShape } from '../../shared/errors';
import { given } from '../../shared/given';
import type { ModelInfo } from '../../shared/dto';
import type { LabProgress } from '../../shared/labDto';
import { MAX_LAB_TEXT_BYTES } from '../../shared/labSchemas';
import type { Core } from '../core/createCore';
import { labMarkdown } from '../core/lab/labExport';
import type { LabOptions } from './measureArgs';
import { formatEta, PLAIN_INTERVAL_MS } from './progressLine';

export interface LabDeps {
  core: Pick<Core, 'lab' | 'library'>;
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is a terminal: progress is one line redrawn in place. */
  terminal: boolean;
  /** Aborted on Ctrl-C: the run is cancelled. */
  signal: AbortSignal;
}

/** Runs the lab; returns the exit code (0 done, 1 a failure, 2 bad arguments, 130 cancelled). */
export async function labCommand(options: LabOptions, deps: LabDeps): Promise<number> {
  try {
    const models = await deps.core.library.listModels();
    const modelIds = options.models.map((name) => resolveModel(models, name).id);
    const baseModelId = options.base !== undefined ? resolveModel(models, options.base).id : undefined;
    const text = options.textFile !== undefined ? await readText(options.textFile) : undefined;
    let lastPlain = 0;
    const run = await deps.core.lab.run(
      {
        modelIds,
        ...given({ baseModelId, contextSize: options.contextSize, chunks: options.chunks }),
        ...(text ? { text } : {}),
      },
      {
        signal: deps.signal,
        emit: (progress) => {
          const now = Date.now();
          if (deps.terminal) deps.err(`\r\x1b[2K${progressText(progress, models)}`);
          else if (now - lastPlain >= PLAIN_INTERVAL_MS || progress.phase === 'done') {
            lastPlain = now;
            deps.err(`${progressText(progress, models)}\n`);
          }
        },
      },
      options.logitsFile !== undefined ? { keepLogitsFile: resolve(options.logitsFile) } : {},
    );
    if (deps.terminal) deps.err('\r\x1b[2K');
    deps.out(options.json ? `${JSON.stringify(run, null, 2)}\n` : labMarkdown(run));
    if (run.status === 'failed') deps.err(`hearth: the lab stopped: ${run.error ?? 'unknown error'}\n`);
    return run.status === 'done' ? 0 : run.status === 'cancelled' ? 130 : 1;
  } catch (error) {
    if (deps.terminal) deps.err('\r\x1b[2K');
    const shape = toErrorShape(error);
    deps.err(`hearth: ${shape.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return shape.code === 'BAD_REQUEST' ? 2 : 1;
  }
}

/** A model by library id, or by file name (with or without `.gguf`) when one model has it. */
export function resolveModel(models: readonly ModelInfo[], name: string): ModelInfo {
  const exact = models.find((model) => model.id === name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const matches = models.filter((model) => model.fileName.toLowerCase() === lower || model.fileName.toLowerCase() === `${lower}.gguf`);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new AppError('BAD_REQUEST', `"${name.slice(0, 200)}" names ${matches.length} models; use their ids: ${matches.map((m) => m.id).join(', ')}.`);
  throw new AppError('NOT_FOUND', `No model "${name.slice(0, 200)}" in the library (hearth ls lists them).`);
}

async function readText(file: string): Promise<{ name: string; content: string }> {
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new AppError('BAD_REQUEST', `Cannot read the text file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (bytes.length > MAX_LAB_TEXT_BYTES) throw new AppError('BAD_REQUEST', `The text file is ${bytes.length} bytes; the lab takes at most ${MAX_LAB_TEXT_BYTES}.`);
  return { name: basename(file), content: bytes.toString('utf8') };
}

function progressText(progress: LabProgress, models: readonly ModelInfo[]): string {
  const name = models.find((model) => model.id === progress.modelId)?.fileName ?? progress.modelId;
  const what = progress.phase === 'evaluating' ? `chunk ${progress.chunk + 1}/${progress.chunks}` : progress.phase;
  const eta = progress.etaMs !== null && progress.phase !== 'done' ? ` · ETA ${formatEta(progress.etaMs / 1000)}` : '';
  return `[${progress.modelIndex}/${progress.modelCount}] ${name}: ${what} · ${Math.floor(progress.fraction * 100)}%${eta}`;
}
