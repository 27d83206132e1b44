import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { HubClient } from '../hub/hubClient';
import type { HubGgufFile } from '../hub/hubTypes';
import type { Logger } from '../logging/logger';
import { freeDiskBytes as statfsFreeBytes } from './diskSpace';
import { DownloadJournal } from './downloadJournal';
import { downloadStatus, newDownload, type Download } from './downloadRecord';
import { JournalBacklog, sameParts } from './journalBacklog';
import type { DownloadState, DownloadStatus, JournalEntry } from './downloadTypes';
import { bytesOnDisk, checkDiskSpace, deleteFiles, deletePartials } from './modelFiles';
import { partTarget } from './modelPaths';
import { DEFAULT_RETRY, type RetryPolicy } from './partDownloader';
import { runDownload, type RunContext } from './runDownload';

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
    await checkDiskSpace(this.options.modelsDir, repo, file, this.freeBytes);
    const journalled = await this.backlog.take(repo, file.name);
    let id: string = randomUUID();
    if (journalled && sameParts(journalled.file, file)) id = journalled.id;
    // The repo changed since: the partial bytes belong to other files and would fail the hash check.
    else if (journalled) await deletePartials(this.options.modelsDir, journalled.repo, journalled.file);
    const received = await bytesOnDisk(this.options.modelsDir, repo, file);
    // resumeAll() may have registered the same model while this one waited.
    const raced = this.unfinished(repo, file.name);
    if (raced) return raced.entry.id;
    const download = newDownload({ id, repo, revision: request.revision ?? 'main', file }, 'queued');
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
      const download = newDownload(rest, state === 'paused' ? 'paused' : 'queued');
      this.downloads.set(entry.id, download);
      resumed.push(download);
    }
    for (const download of resumed) {
      download.receivedBytes = await bytesOnDisk(this.options.modelsDir, download.entry.repo, download.entry.file);
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
    await deleteFiles(this.options.modelsDir, download.entry.repo, download.entry.file);
    download.receivedBytes = 0;
    this.changed(download.entry.id);
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
    return downloadStatus(this.get(id));
  }

  list(): DownloadStatus[] {
    return [...this.downloads.values()].map((d) => downloadStatus(d));
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
      download.task = runDownload(download, download.controller.signal, this.runContext(download)).finally(() => {
        download.task = undefined;
        download.controller = undefined;
        this.pump();
      });
    }
  }

  /** What `runDownload` needs for `download`: the settings, and hooks that emit and journal its changes. */
  private runContext(download: Download): RunContext {
    const { hub, modelsDir, logger, onModelReady } = this.options;
    return {
      hub, modelsDir, logger, onModelReady, retry: this.retry, freeBytes: this.freeBytes,
      isClosing: () => this.closing,
      setState: (state) => this.setState(download, state),
      changed: () => this.changed(download.entry.id),
      progress: (receivedBytes) => this.progress(download, receivedBytes),
    };
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
    const status = downloadStatus(download);
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch (error) {
        this.options.logger.error('download listener threw', { error: String(error) });
      }
    }
  }
}
