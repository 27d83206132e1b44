import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CallContext } from '../../../shared/contract';
import type { ModelInfo } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import type { LabExport, LabGroup, LabMachine, LabProgress, LabQuality, LabRun } from '../../../shared/labDto';
import { DEFAULT_LAB_CONTEXT, type LabRunArgs } from '../../../shared/labSchemas';
import type { EngineLauncher } from '../engine/engineProcess';
import type { Logger } from '../logging/logger';
import { exportLabRun } from './labExport';
import { bitsPerWeight, groupModels } from './labGroups';
import { labQuality } from './labQuality';
import { runLab, type LabFileInput } from './labRunner';
import { LabStore } from './labStore';
import { LAB_SAMPLE_TEXT, LAB_SAMPLE_TEXT_NAME } from './sampleText';

export interface LabServiceOptions {
  dataDir: string;
  library: { listModels(): Promise<ModelInfo[]> };
  /** Starts the lab's own engine process (the chat engine's model stays loaded and untouched). */
  launchEngine: EngineLauncher;
  threads: number;
  logger: Logger;
}

/**
 * The quantization lab: measures several files of one model side by side on this machine (see
 * labRunner.ts for the method), keeps each run under `<dataDir>/lab/runs`, exports them, and
 * answers the recommendation's question "how much quality does this file lose?" from them.
 * One run at a time.
 */
export class LabService {
  private readonly store: LabStore;
  private readonly workDir: string;
  private running: { runId: string; controller: AbortController } | undefined;
  readonly machine: LabMachine;

  constructor(private readonly options: LabServiceOptions) {
    this.store = new LabStore(options.dataDir, options.logger);
    this.workDir = join(options.dataDir, 'lab', 'work');
    this.machine = thisMachine();
  }

  async listGroups(): Promise<LabGroup[]> {
    return groupModels(await this.options.library.listModels());
  }

  /** Runs the lab; streams progress to the caller. Cancelled by `cancel` or by the caller going away. */
  async run(args: LabRunArgs, context: Pick<CallContext<LabProgress>, 'emit' | 'signal'>, extra: { keepLogitsFile?: string } = {}): Promise<LabRun> {
    if (this.running) throw new AppError('BUSY', 'The lab is already running; wait for it or cancel it.');
    const runId = randomUUID();
    const controller = new AbortController();
    this.running = { runId, controller };
    const onCallerGone = (): void => controller.abort();
    context.signal.addEventListener('abort', onCallerGone, { once: true });
    try {
      const files = await this.resolveFiles(args);
      const text = args.text ?? { name: LAB_SAMPLE_TEXT_NAME, content: LAB_SAMPLE_TEXT };
      const contextSize = args.contextSize ?? DEFAULT_LAB_CONTEXT;
      await this.clearWork();
      const startedAt = new Date();
      const outcome = await runLab(
        {
          runId,
          files,
          contextSize,
          maxChunks: args.chunks,
          text: text.content,
          logitsFile: extra.keepLogitsFile ?? join(this.workDir, `${runId}.logits`),
          keepLogits: extra.keepLogitsFile !== undefined,
          threads: this.options.threads,
        },
        { launchEngine: this.options.launchEngine, logger: this.options.logger },
        { signal: controller.signal, onProgress: (progress) => context.emit(progress) },
      );
      if (outcome.stopped && outcome.files.length === 0 && outcome.stopped.status === 'failed') throw outcome.stopped.cause;
      const run: LabRun = {
        schemaVersion: 1,
        id: runId,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        status: outcome.stopped?.status ?? 'done',
        ...(outcome.stopped ? { error: outcome.stopped.error } : {}),
        machine: this.machine,
        threads: outcome.threads,
        contextSize,
        chunks: outcome.chunks,
        scoredTokens: outcome.scoredTokens,
        text: { source: args.text ? 'file' : 'bundled', name: text.name, tokens: outcome.tokens, sha256: createHash('sha256').update(text.content).digest('hex') },
        baseModelId: files[0]!.modelId,
        files: outcome.files,
        durationMs: Date.now() - startedAt.getTime(),
      };
      if (run.files.length > 0) await this.store.save(run);
      return run;
    } finally {
      context.signal.removeEventListener('abort', onCallerGone);
      this.running = undefined;
    }
  }

  cancel(): { cancelled: boolean } {
    if (!this.running) return { cancelled: false };
    this.running.controller.abort();
    return { cancelled: true };
  }

  listResults(): Promise<LabRun[]> {
    return this.store.list(this.machine.key);
  }

  async export(runId: string, format: 'csv' | 'json' | 'markdown'): Promise<LabExport> {
    const run = (await this.listResults()).find((candidate) => candidate.id === runId);
    if (!run) throw new AppError('NOT_FOUND', `No lab run "${runId.slice(0, 100)}" on this machine.`);
    return exportLabRun(run, format);
  }

  /** Measured quality of a library model (see labQuality.ts); null when the lab never measured it. */
  async quality(model: { id: string; fileName?: string; sizeBytes?: number }): Promise<LabQuality | null> {
    return labQuality(await this.listResults(), model);
  }

  /** Cancels a running lab and waits for nothing else: its process is ended by the runner. */
  dispose(): void {
    this.running?.controller.abort();
  }

  /** The files asked for, base first: the one named, else the largest (most precise). */
  private async resolveFiles(args: LabRunArgs): Promise<LabFileInput[]> {
    const models = await this.options.library.listModels();
    const ids = [...new Set(args.modelIds)];
    if (ids.length < 2) throw new AppError('BAD_REQUEST', 'The lab compares two or more different files.');
    const picked = ids.map((id) => {
      const model = models.find((candidate) => candidate.id === id);
      if (!model) throw new AppError('NOT_FOUND', `The model "${id.slice(0, 200)}" is not in the library.`);
      if (model.status !== 'ok') throw new AppError('MODEL_UNREADABLE', `${model.fileName} cannot be read: ${model.error ?? 'not a GGUF model'}.`);
      return model;
    });
    const baseId = args.baseModelId ?? [...picked].sort((a, b) => b.sizeBytes - a.sizeBytes)[0]!.id;
    const base = picked.find((model) => model.id === baseId);
    if (!base) throw new AppError('BAD_REQUEST', 'The base file must be one of the files compared.');
    return [base, ...picked.filter((model) => model !== base)].map((model) => ({
      modelId: model.id,
      path: model.path,
      fileName: model.fileName,
      quantization: model.metadata?.quantization ?? '?',
      sizeBytes: model.sizeBytes,
      parameterCount: bitsPerWeight(model) === null ? null : model.metadata!.parameterCount,
    }));
  }

  /** Base files of runs that never finished (the process was killed) are removed before a new run. */
  private async clearWork(): Promise<void> {
    await mkdir(this.workDir, { recursive: true });
    for (const name of await readdir(this.workDir)) await rm(join(this.workDir, name), { force: true });
  }
}

/** This machine as lab results are keyed: same OS, architecture, CPU model, cores and RAM. */
export function thisMachine(): LabMachine {
  const list = cpus();
  const cpu = list[0]?.model.trim() ?? 'unknown CPU';
  const ramBytes = totalmem();
  const key = createHash('sha256')
    .update(`${platform()}|${arch()}|${cpu}|${list.length}|${Math.round(ramBytes / 2 ** 30)}`)
    .digest('hex')
    .slice(0, 16);
  return { key, cpu, cores: list.length, ramBytes, platform: `${platform()}-${arch()}` };
}
