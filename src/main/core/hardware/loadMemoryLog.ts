import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LoadedModel } from '../../../shared/dto';
import type { LoadMemoryCheck } from '../../../shared/hardwareDto';
import type { Logger } from '../logging/logger';

/** Pairs kept; the file is cut back to this many when it has twice as many. */
const KEEP = 500;

export interface LoadMemoryRecord extends LoadMemoryCheck {
  at: string;
  modelId: string;
  contextSize: number;
  parallel: number;
  gpuLayers: number;
}

/**
 * Every load's predicted and measured memory, one JSON line each in the data folder
 * (`diagnostics/load-memory.jsonl`), so the estimator's error can be reported and improved.
 * Writing is best effort: a full disk must not fail a load.
 */
export class LoadMemoryLog {
  private lines = -1;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
  ) {}

  async record(loaded: LoadedModel): Promise<void> {
    if (!loaded.memory) return;
    const record: LoadMemoryRecord = {
      at: loaded.loadedAt,
      modelId: loaded.modelId,
      contextSize: loaded.settings.contextSize,
      parallel: loaded.settings.parallel,
      gpuLayers: loaded.settings.gpuLayers,
      ...loaded.memory,
    };
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, `${JSON.stringify(record)}\n`);
      if (this.lines < 0) this.lines = (await this.read()).length;
      else this.lines++;
      if (this.lines > KEEP * 2) {
        const kept = (await this.read()).slice(-KEEP);
        await writeFile(this.path, kept.map((r) => JSON.stringify(r)).join('\n') + '\n');
        this.lines = kept.length;
      }
    } catch (error) {
      this.logger.warn('could not record load memory', { error: String(error) });
    }
  }

  /** The recorded pairs, oldest first; damaged lines are skipped. */
  async read(): Promise<LoadMemoryRecord[]> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    const records: LoadMemoryRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as LoadMemoryRecord);
      } catch {
        // A line cut short by a crash: skip it, keep the rest.
      }
    }
    return records;
  }
}
