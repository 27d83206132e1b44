/**
 * `<dataDir>/benchmarks.json`: the benchmark results, per machine and per model, versioned like
 * every Hearth file. The best thread count of each model (the auto-tune) and the machine profile
 * are derived from it, so there is one source of truth. A file that cannot be read is renamed
 * aside (`benchmarks.json.corrupt-<time>`, or `.v<N>-<time>` from a newer Hearth) and Hearth starts
 * without results: benchmarks can be run again, a wrong thread count would be worse.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { BenchResult } from '../../../shared/benchDto';
import type { Logger } from '../logging/logger';
import { writeFileAtomic } from '../storage/atomicWrite';

export const BENCH_SCHEMA_VERSION = 1;

const runSchema = z.object({
  threads: z.number().int().min(1),
  ppTokensPerSecond: z.number().min(0),
  tgTokensPerSecond: z.number().min(0),
  ppStdDev: z.number().min(0),
  tgStdDev: z.number().min(0),
  timeToFirstTokenMs: z.number().min(0),
});

const resultSchema = z.object({
  modelId: z.string().min(1),
  modelName: z.string(),
  quantization: z.string(),
  sizeBytes: z.number().min(0),
  bytesPerToken: z.number().min(0),
  ranAt: z.string(),
  backend: z.string(),
  gpuNames: z.array(z.string()),
  gpuLayers: z.number().int().min(0),
  totalLayers: z.number().int().min(0),
  promptTokens: z.number().int().min(1),
  genTokens: z.number().int().min(1),
  repetitions: z.number().int().min(1),
  loadMs: z.number().min(0),
  memory: z.object({ ramBytes: z.number(), vramBytes: z.number(), peakRssBytes: z.number() }),
  runs: z.array(runSchema).min(1),
  bestThreads: z.number().int().min(1),
  bandwidth: z.object({ cpuBytesPerSecond: z.number().positive().optional(), gpuBytesPerSecond: z.number().positive().optional() }),
});

const fileSchema = z.object({
  schemaVersion: z.literal(BENCH_SCHEMA_VERSION),
  machines: z.record(
    z.string(),
    z.object({
      description: z.string(),
      /** By model id. */
      results: z.record(z.string(), resultSchema),
    }),
  ),
});

type BenchFile = z.infer<typeof fileSchema>;

export class BenchStore {
  readonly path: string;
  private document: Promise<BenchFile> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: { dataDir: string; logger: Logger; machine: { key: string; description: string } }) {
    this.path = join(options.dataDir, 'benchmarks.json');
  }

  /** This machine's results, newest first. */
  async results(): Promise<BenchResult[]> {
    const document = await this.load();
    const results = Object.values(document.machines[this.options.machine.key]?.results ?? {});
    return results.sort((a, b) => b.ranAt.localeCompare(a.ranAt));
  }

  /** The best thread count measured for `modelId` on this machine, if it was benchmarked. */
  async tunedThreads(modelId: string): Promise<number | undefined> {
    const document = await this.load();
    return document.machines[this.options.machine.key]?.results[modelId]?.bestThreads;
  }

  /** Keeps `result` as this machine's benchmark of its model (replacing an older one). */
  save(result: BenchResult): Promise<void> {
    const task = this.queue.then(async () => {
      const document = structuredClone(await this.load());
      const { key, description } = this.options.machine;
      const machine = (document.machines[key] ??= { description, results: {} });
      machine.description = description;
      machine.results[result.modelId] = resultSchema.parse(result);
      await writeFileAtomic(this.path, `${JSON.stringify(document, null, 2)}\n`);
      this.document = Promise.resolve(document);
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  private load(): Promise<BenchFile> {
    this.document ??= this.read();
    return this.document;
  }

  private async read(): Promise<BenchFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty();
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.setAside('corrupt', 'benchmarks.json is not valid JSON');
    }
    const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
    if (typeof version === 'number' && version > BENCH_SCHEMA_VERSION) return this.setAside(`v${version}`, `benchmarks.json is from a newer Hearth (schema ${version})`);
    const parsed = fileSchema.safeParse(raw);
    return parsed.success ? parsed.data : this.setAside('corrupt', 'benchmarks.json does not have the expected shape');
  }

  private async setAside(label: string, reason: string): Promise<BenchFile> {
    const aside = `${this.path}.${label}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.path, aside);
      this.options.logger.warn(`${reason}; it was renamed aside and benchmarks start empty`, { aside });
    } catch (error) {
      this.options.logger.error(`${reason} (renaming it aside failed)`, { error: String(error) });
    }
    return empty();
  }
}

function empty(): BenchFile {
  return { schemaVersion: BENCH_SCHEMA_VERSION, machines: {} };
}
