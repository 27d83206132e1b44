import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ApiRequestLogEntry } from '../../../shared/serverDto';
import type { Logger } from '../logging/logger';

export interface RequestLogOptions {
  /** The JSON Lines file, `<dataDir>/logs/api.jsonl`. */
  file: string;
  logger: Logger;
  /** Entries kept in memory for `server.getLog`; default 500. */
  maxEntries?: number;
  /** Size at which the file is rotated to `<file>.1` (one old generation kept), in bytes; default 5 MB. */
  maxFileBytes?: number;
  /** Called with every new entry (the live log in the UI). */
  onEntry?: (entry: ApiRequestLogEntry) => void;
}

export const DEFAULT_LOG_ENTRIES = 500;
export const DEFAULT_LOG_FILE_BYTES = 5 * 1024 * 1024;

/**
 * The API server's request log: the newest entries in memory (bounded) and every entry appended
 * to a JSON Lines file, which is rotated once it passes its size so a busy server never fills the
 * disk (at most two files of `maxFileBytes`). Writes are chained, so lines never interleave, and
 * a failed write is logged once and never fails a request.
 */
export class RequestLog {
  private readonly entries: ApiRequestLogEntry[] = [];
  private nextId = 1;
  private writes: Promise<void> = Promise.resolve();
  /** Bytes in the file, read once before the first append, then counted. */
  private fileBytes: number | undefined;
  private writeFailed = false;

  constructor(private readonly options: RequestLogOptions) {}

  /** Records one answered request; returns it with its id. */
  add(entry: Omit<ApiRequestLogEntry, 'id'>): ApiRequestLogEntry {
    const full: ApiRequestLogEntry = { id: this.nextId++, ...entry };
    this.entries.push(full);
    const max = this.options.maxEntries ?? DEFAULT_LOG_ENTRIES;
    if (this.entries.length > max) this.entries.splice(0, this.entries.length - max);
    const line = `${JSON.stringify(full)}\n`;
    this.writes = this.writes.then(() => this.append(line));
    this.options.onEntry?.(full);
    return full;
  }

  /** Entries oldest first: those after `afterId`, at most `limit` of the newest (default 200). */
  list(args: { afterId?: number | undefined; limit?: number | undefined } = {}): ApiRequestLogEntry[] {
    const after = args.afterId ?? 0;
    const newer = this.entries.filter((entry) => entry.id > after);
    return newer.slice(-(args.limit ?? 200));
  }

  /** Resolves when every entry added so far is in the file. */
  flush(): Promise<void> {
    return this.writes;
  }

  private async append(line: string): Promise<void> {
    const { file } = this.options;
    const max = this.options.maxFileBytes ?? DEFAULT_LOG_FILE_BYTES;
    try {
      if (this.fileBytes === undefined) {
        await mkdir(dirname(file), { recursive: true });
        this.fileBytes = await stat(file).then(
          (info) => info.size,
          () => 0,
        );
      }
      const bytes = Buffer.byteLength(line);
      if (this.fileBytes > 0 && this.fileBytes + bytes > max) {
        await rename(file, `${file}.1`);
        this.fileBytes = 0;
      }
      await appendFile(file, line);
      this.fileBytes += bytes;
      this.writeFailed = false;
    } catch (error) {
      // The in-memory log still works; say so once, not once per request.
      if (!this.writeFailed) this.options.logger.warn('could not write the API request log', { file, error: String(error) });
      this.writeFailed = true;
      this.fileBytes = undefined;
    }
  }
}
