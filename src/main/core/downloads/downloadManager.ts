import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import type { HubClient } from '../hub/hubClient';
import type { HubGgufFile } from '../hub/hubTypes';
import type { Logger } from '../logging/logger';
import { freeDiskBytes as statfsFreeBytes, formatBytes } from './diskSpace';
import { DownloadJournal } from './downloadJournal';
import { JournalBacklog, sameParts } from './journalBacklog';
import type { DownloadState, DownloadStatus, JournalEntry } from './downloadTypes';
import { modelIdOf, partTarget } from './modelPaths';
import { DEFAULT_RETRY, downloadPart, type RetryPolicy } from './partDownloader';
import { ProgressMeter } from './progressMeter';

export interface DownloadManagerOptions {
  hub: HubClient;
  /** Models land in `<modelsDir>/<owner>/<repo>/`. */
  modelsDir: string;
  /** The journal lives in `<dataDir>/downloads/journal.json`. */
  dataDir: string;
  logger: Logger;
  /** Clock for speed and throttling, in ms; injectable for tests. */
  now?: () => number;
  /** Free bytes on the file system of `dir`; default `fs.statfs`. Injectable to test a full disk. */
  freeDiskBytes?: (dir: string) => Promise<number>;
  /** Downloads transferring at once; default 2 (more mostly splits the same bandwidth). */
  maxConcurrent?: number;
  /** Retry bounds on network loss; see {@link RetryPolicy}. */
  retry?: Partial<RetryPolicy>;
  /** Least time between two progress events of one download, in ms; default 250 (about 4 per second). */
  progressIntervalMs?: number;
  /** Called with the library id (`owner/repo/file.gguf`, first part) once every part is verified and in place. */
  onModelReady?: (modelId: string) => void;
}

export interface StartDownload {
  /** `owner/repo`. */
  repo: string;
  file: HubGgufFile;
  /** Commit sha from the repo listing (preferred: every part from one snapshot) or a branch; default `main`. */
  revision?: string;
}

interface Download {
  entry: Omit<JournalEntry, 'state'>;
  state: DownloadState;
  error?: string;
  receivedBytes: number;
  meter: ProgressMeter;
  /** When the last progress event went out, in ms. */
  lastEmitAt: number;
  controller?: AbortController;
  task?: Promise<void>;
}

const ACTIVE: ReadonlySet<DownloadState> = new Set(['downloading', 'verifying']);
const UNFINISHED: ReadonlySet<DownloadState> = new Set(['queued', 'downloading', 'paused', 'verifying']);

/**
 * Queue of verified, resumable model downloads. Each part goes to a hidden `.name.part` file,
 * is hashed while it arrives, and is renamed into place only once its sha256 matches; the
 * journal lets a later process pick up where this one stopped.
 */
export class DownloadManager {
  private readonly downloads = new Map<string, Download>();
  private readonly listeners = new Set<(status: DownloadStatus) => void>();
  /** `start()` calls between their duplicate check and their registration, by `repo/name`. */
  private readonly starting = new Map<string, Promise<string>>();
  private readonly journal: DownloadJournal;
  private readonly backlog: JournalBacklog;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private readonly freeBytes: (dir: string) => Promise<number>;
  private readonly maxConcurrent: number;
  private readonly progressIntervalMs: number;
  private lastSave: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly options: DownloadManagerOptions) {
    this.journal = new DownloadJournal(options.dataDir, options.logger);
    this.backlog = new JournalBacklog(() => this.journal.load());
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.now = options.now ?? Date.now;
    this.freeBytes = options.freeDiskBytes ?? statfsFreeBytes;
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 2);
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
  }

  /** Subscribes to state changes (always) and progress (throttled); returns the unsubscribe. */
  onChange(listener: (status: DownloadStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues a model (every part) and returns its id. Refuses up front, writing nothing, when
   * the disk lacks room for what is still missing. Starting a model already queued or
   * running returns that download's id, so two writers never share a partial file. A model
   * the journal still lists (left by an earlier process that was not resumed here) is taken
   * over under its journalled id, so it continues from its partial file and is journalled once.
   */
  async start(request: StartDownload): Promise<string> {
    const key = `${request.repo}/${request.file.name}`;
    const pending = this.starting.get(key);
    if (pending) return pending;
    const started = this.register(request).finally(() => this.starting.delete(key));
    this.starting.set(key, started);
    return started;
  }

  /** The body of `start()`, run at most once at a time per model. */
  private async register(request: StartDownload): Promise<string> {
    const { repo, file } = request;
    if (file.parts.length === 0) throw new AppError('BAD_REQUEST', `${file.name} has no files to download.`);
    for (const part of file.parts) partTarget(this.options.modelsDir, repo, part.path);
    const existing = this.unfinished(repo, file.name);
    if (existing) return existing.entry.id;
    await this.checkDiskSpace(repo, file);
    const journalled = await this.backlog.take(repo, file.name);
    let id: string = randomUUID();
    if (journalled && sameParts(journalled.file, file)) id = journalled.id;
    // The repo changed since: the partial bytes belong to other files and would fail the hash check.
    else if (journalled) await this.deletePartials(journalled.repo, journalled.file);
    const received = await this.bytesOnDisk(repo, file);
    // resumeAll() may have registered the same model while this one waited.
    const raced = this.unfinished(repo, file.name);
    if (raced) return raced.entry.id;
    const download = this.newDownload({ id, repo, revision: request.revision ?? 'main', file }, 'queued');
    download.receivedBytes = received;
    this.downloads.set(id, download);
    this.changed(id);
    this.pump();
    return id;
  }

  /** Picks up every journalled download after a restart (paused ones stay paused); returns their ids. */
  async resumeAll(): Promise<string[]> {
    const resumed: Download[] = [];
    // Registered before any further await, so a start() meanwhile finds them instead of duplicating one.
    for (const entry of await this.backlog.takeAll()) {
      if (this.downloads.has(entry.id) || this.unfinished(entry.repo, entry.file.name)) continue;
      const { state, ...rest } = entry;
      const download = this.newDownload(rest, state === 'paused' ? 'paused' : 'queued');
      this.downloads.set(entry.id, download);
      resumed.push(download);
    }
    for (const download of resumed) {
      download.receivedBytes = await this.bytesOnDisk(download.entry.repo, download.entry.file);
      this.changed(download.entry.id);
    }
    this.pump();
    return resumed.map((download) => download.entry.id);
  }

  /** Stops transferring and keeps the partial files; resolves once the transfer has stopped. */
  async pause(id: string): Promise<void> {
    const download = this.get(id);
    if (download.state === 'queued') {
      this.setState(download, 'paused');
      return;
    }
    if (!ACTIVE.has(download.state)) return;
    this.setState(download, 'paused');
    download.controller?.abort(new AppError('BAD_REQUEST', 'paused'));
    await download.task;
  }

  /** Queues a paused or failed download again; it continues from its partial files. */
  resume(id: string): void {
    const download = this.get(id);
    if (download.state !== 'paused' && download.state !== 'failed') return;
    delete download.error;
    this.setState(download, 'queued');
    this.pump();
  }

  /** Stops the download and deletes what it wrote (partial files and, for a split model, finished parts). */
  async cancel(id: string): Promise<void> {
    const download = this.get(id);
    if (!UNFINISHED.has(download.state) && download.state !== 'failed') return;
    const task = download.task;
    this.setState(download, 'cancelled');
    download.controller?.abort(new AppError('BAD_REQUEST', 'cancelled'));
    // Delete only after the transfer stopped, or its last write could recreate the partial file.
    await task;
    await this.deleteFiles(download);
  }

  /** Forgets a finished, failed or cancelled download (the files it left stay); false when it is still running. */
  dismiss(id: string): boolean {
    const download = this.get(id);
    if (UNFINISHED.has(download.state)) return false;
    this.downloads.delete(id);
    return true;
  }

  /** One download's status; throws NOT_FOUND for an unknown id. */
  statusOf(id: string): DownloadStatus {
    return this.status(this.get(id));
  }

  list(): DownloadStatus[] {
    return [...this.downloads.values()].map((d) => this.status(d));
  }

  /**
   * Stops every transfer as an app quit would, leaving the journal saying they were running,
   * so the next process's `resumeAll()` continues them. Resolves once the journal is written.
   */
  async close(): Promise<void> {
    this.closing = true;
    const tasks = [...this.downloads.values()].map((d) => {
      d.controller?.abort(new AppError('BAD_REQUEST', 'closing'));
      return d.task;
    });
    await Promise.all(tasks);
    await this.lastSave;
  }

  private newDownload(entry: Omit<JournalEntry, 'state'>, state: DownloadState): Download {
    return { entry, state, receivedBytes: 0, meter: new ProgressMeter(), lastEmitAt: 0 };
  }

  private unfinished(repo: string, name: string): Download | undefined {
    return [...this.downloads.values()].find((d) => d.entry.repo === repo && d.entry.file.name === name && UNFINISHED.has(d.state));
  }

  private get(id: string): Download {
    const download = this.downloads.get(id);
    if (!download) throw new AppError('NOT_FOUND', `No download ${id}.`);
    return download;
  }

  /** Starts queued downloads, oldest first, while fewer than `maxConcurrent` are running. */
  private pump(): void {
    if (this.closing) return;
    let running = [...this.downloads.values()].filter((d) => d.task !== undefined).length;
    for (const download of this.downloads.values()) {
      if (running >= this.maxConcurrent) break;
      if (download.state !== 'queued' || download.task !== undefined) continue;
      running++;
      download.controller = new AbortController();
      download.task = this.run(download, download.controller.signal).finally(() => {
        download.task = undefined;
        download.controller = undefined;
        this.pump();
      });
    }
  }

  private async run(download: Download, signal: AbortSignal): Promise<void> {
    const { repo, revision, file } = download.entry;
    download.meter.reset();
    this.setState(download, 'downloading');
    try {
      await this.checkDiskSpace(repo, file);
      let finishedBytes = 0;
      for (const part of file.parts) {
        const target = partTarget(this.options.modelsDir, repo, part.path);
        await downloadPart({
          hub: this.options.hub, repo, revision, part, ...target, signal, retry: this.retry, logger: this.options.logger,
          onBytes: (bytes) => this.progress(download, finishedBytes + bytes),
          onVerifying: () => this.setState(download, 'verifying'),
        });
        finishedBytes += part.size;
        // A pause during the hash check lands here: honour it before the next part.
        if (signal.aborted) throw signal.reason;
        if (download.state === 'verifying') this.setState(download, 'downloading');
      }
      download.receivedBytes = file.size;
      download.meter.reset();
      this.setState(download, 'done');
      this.options.logger.info('model downloaded', { repo, name: file.name });
      this.announce(modelIdOf(repo, file.parts[0]?.path ?? file.name));
    } catch (error) {
      if (this.closing) return;
      download.meter.reset();
      // pause() / cancel() already set the state before aborting; anything else is a failure.
      if (signal.aborted && (download.state === 'paused' || download.state === 'cancelled')) {
        this.changed(download.entry.id);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.options.logger.warn('download failed', { repo, name: file.name, error: message });
      download.error = message;
      this.setState(download, 'failed');
    }
  }

  private announce(modelId: string): void {
    try {
      this.options.onModelReady?.(modelId);
    } catch (error) {
      this.options.logger.error('onModelReady threw', { modelId, error: String(error) });
    }
  }

  /** Refuses when the bytes still missing (the whole model minus what is on disk) exceed the free space. */
  private async checkDiskSpace(repo: string, file: HubGgufFile): Promise<void> {
    await mkdir(this.options.modelsDir, { recursive: true });
    const needed = file.size - (await this.bytesOnDisk(repo, file));
    const free = await this.freeBytes(this.options.modelsDir);
    if (needed > free) {
      throw new AppError('BAD_REQUEST', `Not enough disk space for ${file.name}: it needs ${formatBytes(needed)} (${needed} bytes) but ${this.options.modelsDir} has ${formatBytes(free)} (${free} bytes) free.`);
    }
  }

  /** Finished parts plus partial files, in bytes. */
  private async bytesOnDisk(repo: string, file: HubGgufFile): Promise<number> {
    let total = 0;
    for (const part of file.parts) {
      const target = partTarget(this.options.modelsDir, repo, part.path);
      const final = await stat(target.final).catch(() => undefined);
      if (final?.size === part.size) total += part.size;
      else total += Math.min(part.size, (await stat(target.partial).catch(() => undefined))?.size ?? 0);
    }
    return total;
  }

  private async deletePartials(repo: string, file: HubGgufFile): Promise<void> {
    for (const part of file.parts) await rm(partTarget(this.options.modelsDir, repo, part.path).partial, { force: true });
  }

  private async deleteFiles(download: Download): Promise<void> {
    const { repo, file } = download.entry;
    for (const part of file.parts) {
      const target = partTarget(this.options.modelsDir, repo, part.path);
      await rm(target.partial, { force: true });
      // A lone finished part of a split model cannot be loaded; leaving it would show a broken model.
      if (file.parts.length > 1) await rm(target.final, { force: true });
    }
    download.receivedBytes = 0;
    this.changed(download.entry.id);
  }

  private progress(download: Download, receivedBytes: number): void {
    download.receivedBytes = receivedBytes;
    const at = this.now();
    download.meter.sample(at, receivedBytes);
    if (at - download.lastEmitAt < this.progressIntervalMs) return;
    download.lastEmitAt = at;
    this.emit(download);
  }

  private setState(download: Download, state: DownloadState): void {
    if (download.state === state) return;
    download.state = state;
    this.changed(download.entry.id);
  }

  /** A state change: emit at once and rewrite the journal. */
  private changed(id: string): void {
    const download = this.downloads.get(id);
    if (!download) return;
    download.lastEmitAt = this.now();
    this.emit(download);
    this.persist();
  }

  private persist(): void {
    const entries: JournalEntry[] = [];
    for (const d of this.downloads.values()) {
      if (d.state === 'queued' || d.state === 'downloading' || d.state === 'paused' || d.state === 'verifying') entries.push({ ...d.entry, state: d.state });
    }
    // Downloads of an earlier process that this one did not take up stay journalled for the next.
    entries.push(...this.backlog.untaken());
    // Failures are logged by the journal; a download keeps going without it.
    this.lastSave = this.journal.save(entries).catch(() => undefined);
  }

  private emit(download: Download): void {
    const status = this.status(download);
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch (error) {
        this.options.logger.error('download listener threw', { error: String(error) });
      }
    }
  }

  private status(download: Download): DownloadStatus {
    const { id, repo, file } = download.entry;
    const transferring = download.state === 'downloading';
    const speed = transferring ? download.meter.bytesPerSecond() : 0;
    const eta = transferring ? download.meter.etaSeconds(file.size) : undefined;
    return {
      id, repo, name: file.name, ...(file.quant ? { quant: file.quant } : {}), state: download.state,
      receivedBytes: download.receivedBytes, totalBytes: file.size, bytesPerSecond: Math.round(speed),
      ...(eta !== undefined ? { etaSeconds: eta } : {}), ...(download.error ? { error: download.error } : {}),
      ...(download.state === 'done' ? { modelId: modelIdOf(repo, file.parts[0]?.path ?? file.name) } : {}),
    };
  }
}
