import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { HubClient } from '../hub/hubClient';
import type { HubFilePart } from '../hub/hubTypes';
import type { Logger } from '../logging/logger';
import { syncDirectory } from './atomicWrite';

/** How hard to try before a part fails; every bound is finite. */
export interface RetryPolicy {
  /** Attempts after the first one, per part; default 5. */
  maxRetries: number;
  /** First wait, in ms; doubles per retry up to `maxBackoffMs`; default 1 000. */
  initialBackoffMs: number;
  /** Longest single wait, in ms; default 30 000. */
  maxBackoffMs: number;
  /** Longest total time spent retrying one part (waits plus failed attempts), in ms; default 10 min. */
  budgetMs: number;
  /** No body bytes for this long counts as a lost connection, in ms; default 60 000. */
  idleTimeoutMs: number;
}

/** Received bytes gathered before one write to the partial file, in bytes. */
const WRITE_BATCH_BYTES = 1 << 20;
/** Longest time received bytes wait for their write, in ms. */
const WRITE_BATCH_MS = 200;

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, initialBackoffMs: 1_000, maxBackoffMs: 30_000, budgetMs: 600_000, idleTimeoutMs: 60_000 };

export interface PartJob {
  hub: HubClient;
  repo: string;
  revision: string;
  part: HubFilePart;
  /** Final path and its hidden partial sibling (see partTarget). */
  final: string;
  partial: string;
  signal: AbortSignal;
  retry: RetryPolicy;
  logger: Logger;
  /** Called with the partial file's size whenever it grows, in bytes. */
  onBytes: (bytesOnDisk: number) => void;
  /** Called once all bytes are on disk, before the hash check and rename. */
  onVerifying: () => void;
}

/** Thrown when the bytes arrived but their sha256 is wrong; never retried (the same bytes would come again). */
export class CorruptDownloadError extends AppError {
  constructor(name: string) {
    super('NETWORK', `${name} was corrupted in transit (sha256 mismatch); it was deleted — download it again.`);
  }
}

/**
 * Fetches one file into its partial sibling, resuming from whatever is already there, hashing
 * as bytes arrive, then checks the sha256 and renames into place. A final file already present
 * was verified before its rename, so it is kept as is.
 */
export async function downloadPart(job: PartJob): Promise<void> {
  if (await sizeOf(job.final) === job.part.size) {
    job.onBytes(job.part.size);
    return;
  }
  await mkdir(dirname(job.final), { recursive: true });
  const expected = job.part.sha256 ?? (await job.hub.headFile(job.repo, job.part.path, { revision: job.revision, signal: job.signal })).sha256;
  if (expected === undefined) throw new AppError('NETWORK', `${job.part.path} has no sha256 on the Hub, so it cannot be verified; not downloading it.`);

  const started = Date.now();
  let hash: Hash | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      hash = await fetchRemainder(job);
      break;
    } catch (error) {
      if (job.signal.aborted || !isRetryable(error)) throw error;
      const waitMs = Math.min(job.retry.maxBackoffMs, job.retry.initialBackoffMs * 2 ** attempt);
      if (attempt >= job.retry.maxRetries || Date.now() - started + waitMs > job.retry.budgetMs) {
        throw new AppError('NETWORK', `Downloading ${job.part.path} kept failing (${String((error as Error).message)}); the partial file was kept — resume to continue.`);
      }
      job.logger.warn('download interrupted; retrying', { repo: job.repo, path: job.part.path, attempt: attempt + 1, waitMs, error: String(error) });
      await sleep(waitMs, job.signal);
    }
  }
  job.onVerifying();
  const actual = hash.digest('hex');
  if (actual !== expected.toLowerCase()) {
    await rm(job.partial, { force: true });
    throw new CorruptDownloadError(job.part.path);
  }
  await rename(job.partial, job.final);
  await syncDirectory(dirname(job.final));
}

/** One attempt: re-hash what is on disk, fetch the rest with `Range`, append it. Returns the hash of the whole file. */
async function fetchRemainder(job: PartJob): Promise<Hash> {
  let offset = (await sizeOf(job.partial)) ?? 0;
  // Longer than the file cannot be a prefix of it: start over rather than send a bad range.
  if (offset > job.part.size) {
    await truncate(job.partial, 0);
    offset = 0;
  }
  let hash = await hashPrefix(job.partial, offset, job.signal);
  job.onBytes(offset);
  if (offset === job.part.size) return hash;

  // Aborted on pause/cancel (the caller's signal) and when the body goes quiet (idle timer).
  const idle = new AbortController();
  const signal = AbortSignal.any([job.signal, idle.signal]);
  let timer = setTimeout(() => idle.abort(new AppError('NETWORK', 'no data received for a while')), job.retry.idleTimeoutMs);
  const opened = await job.hub.openFile(job.repo, job.part.path, { revision: job.revision, offset, signal }).catch((error: unknown) => {
    clearTimeout(timer);
    throw error;
  });
  const { response } = opened;
  if (offset > 0 && response.status !== 206) {
    // The server ignored the range and is sending the whole file: keep nothing old.
    offset = 0;
    hash = createHash('sha256');
    job.onBytes(0);
  }
  const handle = await open(job.partial, offset > 0 ? 'a' : 'w');
  // Body chunks are 16–64 KB; one awaited write each costs a thread-pool round trip per chunk
  // (bench/downloadThroughput.ts). Batching them into writes of up to 1 MiB removes most of that;
  // on a slow link the time bound keeps progress and the partial file current.
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let flushedAt = Date.now();
  const flush = async (): Promise<void> => {
    flushedAt = Date.now();
    if (batchBytes === 0) return;
    const chunks = batch;
    const written = offset;
    batch = [];
    batchBytes = 0;
    await handle.writev(chunks);
    job.onBytes(written);
  };
  try {
    if (!response.body) throw new AppError('NETWORK', 'the server sent no body');
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(new AppError('NETWORK', 'no data received for a while')), job.retry.idleTimeoutMs);
      hash.update(chunk);
      batch.push(chunk);
      batchBytes += chunk.length;
      offset += chunk.length;
      if (batchBytes >= WRITE_BATCH_BYTES || batch.length >= 256 || Date.now() - flushedAt >= WRITE_BATCH_MS) await flush();
    }
    await flush();
    await handle.sync();
  } finally {
    clearTimeout(timer);
    // Stopped midway (pause, lost connection): what did arrive is valid and saves fetching it again.
    if (batchBytes > 0) await flush().catch(() => undefined);
    await handle.close();
  }
  if (offset !== job.part.size) throw new AppError('NETWORK', `the connection ended after ${offset} of ${job.part.size} bytes`);
  return hash;
}

/** sha256 state after the first `length` bytes of `path`, so a resumed download still hashes the whole file. */
async function hashPrefix(path: string, length: number, signal: AbortSignal): Promise<Hash> {
  const hash = createHash('sha256');
  if (length === 0) return hash;
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1, signal })) hash.update(chunk as Buffer);
  return hash;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Network-shaped failures are worth another try; Hub answers like 404 or gated are not. */
function isRetryable(error: unknown): boolean {
  if (error instanceof CorruptDownloadError) return false;
  if (error instanceof AppError) return error.code === 'NETWORK' || error.code === 'BUSY';
  // Local disk trouble will not fix itself by waiting.
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EDQUOT') return false;
  // fetch body errors ("terminated", ECONNRESET) and the idle abort surface as plain errors.
  return error instanceof Error;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
