import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { ModelInfo, ModelMetadata } from '../../../shared/dto';
import type { Logger } from '../logging/logger';
import { readModelMetadata } from './ggufMetadata';
import { mapConcurrent } from './mapConcurrent';

/** How deep below the models folder to look: `publisher/repo/file.gguf` is depth 3. */
const MAX_DEPTH = 4;
/** `name-00002-of-00003.gguf`: split parts after the first are listed as part of the first. */
const SPLIT_PART = /-(\d{5})-of-(\d{5})\.gguf$/i;
/** Headers read at once: bounds open files and read buffers (64 KiB each) for any folder size. */
const READ_CONCURRENCY = 4;
/** Shown instead of an unexpected internal error, which goes to the log. */
const INTERNAL_READ_ERROR = 'could not be read (an internal error; see the log)';

interface CacheEntry {
  sizeBytes: number;
  mtimeMs: number;
  metadata?: ModelMetadata;
  error?: string;
}

/**
 * The models on disk. Scans the models folder (LM Studio's `publisher/repo/file.gguf` layout and
 * loose files) and reads each file's GGUF header. Headers are cached by size and mtime, so a
 * rescan only reads new or changed files. A file that is not a readable GGUF is listed as
 * `unreadable` with the reason, never hidden and never fatal. At most {@link READ_CONCURRENCY}
 * headers are read at a time.
 */
export class LibraryService {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly modelsDir: string,
    private readonly logger: Logger,
  ) {}

  async listModels(): Promise<ModelInfo[]> {
    const files = await this.findGgufFiles(this.modelsDir, 0);
    const described = await mapConcurrent(files, READ_CONCURRENCY, (file) => this.describe(file));
    // Forget files that are gone, so the cache stays as small as the folder.
    const present = new Set(files);
    for (const path of this.cache.keys()) if (!present.has(path)) this.cache.delete(path);
    const models = described.filter((model): model is ModelInfo => model !== undefined);
    return models.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Resolves a model id from `listModels` to its entry, or throws NOT_FOUND / MODEL_UNREADABLE. */
  async getModel(id: string): Promise<ModelInfo> {
    const model = (await this.listModels()).find((m) => m.id === id);
    if (!model) throw new AppError('NOT_FOUND', `No model "${id}" in ${this.modelsDir}.`);
    if (model.status !== 'ok') {
      throw new AppError('MODEL_UNREADABLE', `"${model.fileName}" cannot be loaded: ${model.error ?? 'unreadable'}`);
    }
    return model;
  }

  private async findGgufFiles(dir: string, depth: number): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH) found.push(...(await this.findGgufFiles(path, depth + 1)));
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.gguf') && isFirstPart(entry.name)) found.push(path);
    }
    return found;
  }

  /** The entry for one file; undefined when the file vanished between the scan and now. */
  private async describe(path: string): Promise<ModelInfo | undefined> {
    const id = relative(this.modelsDir, path).split(sep).join('/');
    const parts = id.split('/');
    const fileName = parts[parts.length - 1]!;
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      // Listed rather than thrown: one odd file must not hide the whole library.
      return { id, path, fileName, sizeBytes: 0, modifiedAt: new Date(0).toISOString(), status: 'unreadable', error: `cannot be read (${code ?? 'unknown error'})` };
    }
    const sizeBytes = info.size + (await this.otherPartsSize(path));
    let entry = this.cache.get(path);
    if (!entry || entry.sizeBytes !== sizeBytes || entry.mtimeMs !== info.mtimeMs) {
      entry = { sizeBytes, mtimeMs: info.mtimeMs };
      try {
        entry.metadata = await readModelMetadata(path, fileName.replace(/\.gguf$/i, ''));
      } catch (error) {
        if (error instanceof AppError) {
          entry.error = error.message;
          this.logger.warn('unreadable model file', { path, error: entry.error });
        } else {
          entry.error = INTERNAL_READ_ERROR;
          this.logger.error('reading a model header failed', { path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        }
      }
      this.cache.set(path, entry);
    }
    return {
      id,
      path,
      fileName,
      ...(parts.length >= 3 ? { publisher: parts[parts.length - 3], repo: parts[parts.length - 2] } : {}),
      sizeBytes,
      modifiedAt: info.mtime.toISOString(),
      status: entry.metadata ? 'ok' : 'unreadable',
      ...(entry.error ? { error: entry.error } : {}),
      ...(entry.metadata ? { metadata: entry.metadata } : {}),
    };
  }

  /** Total size of parts 2..N of a split GGUF (0 for a single file or missing parts). */
  private async otherPartsSize(firstPart: string): Promise<number> {
    const match = SPLIT_PART.exec(firstPart);
    if (!match) return 0;
    const total = Number(match[2]);
    let size = 0;
    for (let part = 2; part <= total; part++) {
      const name = firstPart.replace(SPLIT_PART, `-${String(part).padStart(5, '0')}-of-${match[2]}.gguf`);
      size += await stat(name).then((s) => s.size, () => 0);
    }
    return size;
  }
}

function isFirstPart(name: string): boolean {
  const match = SPLIT_PART.exec(name);
  return !match || Number(match[1]) === 1;
}
