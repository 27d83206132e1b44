import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { HubClient } from '../hub/hubClient';
import type { HubGgufFile } from '../hub/hubTypes';
import { type HubFixtureServer, SPLIT_REPO, startHubFixtureServer, TINY_REPO } from '../../testing/hub/hubFixtureServer';
import { DownloadManager, type DownloadManagerOptions } from './downloadManager';
import type { DownloadState, DownloadStatus } from './downloadTypes';

let hub: HubFixtureServer;
let client: HubClient;
let root: string;
let modelsDir: string;
let dataDir: string;
let managers: DownloadManager[];
let files: Map<string, HubGgufFile>;

const FAST_RETRY = { initialBackoffMs: 10, maxBackoffMs: 50, maxRetries: 3, budgetMs: 5_000, idleTimeoutMs: 5_000 };

function manager(options: Partial<DownloadManagerOptions> = {}): DownloadManager {
  const created = new DownloadManager({ hub: client, modelsDir, dataDir, logger: silentLogger, retry: FAST_RETRY, ...options });
  managers.push(created);
  return created;
}

/** Polls `list()` every 20 ms until `id` is in one of `states` and `extra` holds; fails after `timeoutMs`. */
async function waitFor(m: DownloadManager, id: string, check: (s: DownloadStatus) => boolean, timeoutMs = 8_000): Promise<DownloadStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = m.list().find((s) => s.id === id);
    if (status && check(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last status ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const inState = (...states: DownloadState[]) => (s: DownloadStatus): boolean => states.includes(s.state);

function fixtureFile(repo: string, quant: string): HubGgufFile {
  const file = files.get(`${repo}:${quant}`);
  if (!file) throw new Error(`no ${quant} in ${repo}`);
  return file;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Every file under `dir`, relative, with `/`. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1).split('\\').join('/')).sort();
}

function rangeRequests(): string[] {
  return hub.requests.filter((r) => r.server === 'cdn' && r.headers.range !== undefined).map((r) => r.headers.range ?? '');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

beforeAll(async () => {
  hub = await startHubFixtureServer();
  client = new HubClient({ endpoint: hub.endpoint, timeoutMs: 5_000 });
  files = new Map();
  for (const repo of [TINY_REPO, SPLIT_REPO]) {
    for (const file of (await client.getRepo(repo)).files) files.set(`${repo}:${file.quant ?? ''}`, file);
  }
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-downloads-'));
  modelsDir = join(root, 'models');
  dataDir = join(root, 'data');
  managers = [];
  hub.requests.length = 0;
});
afterEach(async () => {
  hub.dropCdnAfter(0, 0);
  hub.slowCdn(undefined);
  hub.ignoreRangeNext(0);
  hub.corruptFile(TINY_REPO, 'hearth-tiny-Q4_0.gguf', false);
  await Promise.all(managers.map((m) => m.close()));
  await rm(root, { recursive: true, force: true });
});

describe('DownloadManager', () => {
  it('downloads a single file, verifies it and announces the model', async () => {
    const ready: string[] = [];
    const m = manager({ onModelReady: (id) => ready.push(id) });
    const file = fixtureFile(TINY_REPO, 'Q4_0');
    const id = await m.start({ repo: TINY_REPO, file });
    const done = await waitFor(m, id, inState('done', 'failed'));
    expect(done).toMatchObject({ state: 'done', receivedBytes: file.size, totalBytes: file.size, quant: 'Q4_0' });
    const bytes = await readFile(join(modelsDir, TINY_REPO, 'hearth-tiny-Q4_0.gguf'));
    const fixture = hub.file(TINY_REPO, 'hearth-tiny-Q4_0.gguf');
    expect(bytes.equals(fixture?.bytes ?? Buffer.alloc(0))).toBe(true);
    expect(sha256(bytes)).toBe(fixture?.sha256);
    expect(await tree(modelsDir)).toEqual([`${TINY_REPO}/hearth-tiny-Q4_0.gguf`]);
    expect(ready).toEqual([`${TINY_REPO}/hearth-tiny-Q4_0.gguf`]);
    await m.close();
    const journal = JSON.parse(await readFile(join(dataDir, 'downloads', 'journal.json'), 'utf8')) as { downloads: unknown[] };
    expect(journal.downloads).toEqual([]);
  });

  it('downloads every part of a split model under its own name', async () => {
    const m = manager();
    const file = fixtureFile(SPLIT_REPO, 'Q8_0');
    expect(file.parts).toHaveLength(2);
    const id = await m.start({ repo: SPLIT_REPO, file });
    expect((await waitFor(m, id, inState('done', 'failed'))).state).toBe('done');
    expect(await tree(modelsDir)).toEqual(file.parts.map((p) => `${SPLIT_REPO}/${p.path}`).sort());
    for (const part of file.parts) {
      const bytes = await readFile(join(modelsDir, SPLIT_REPO, part.path));
      expect(sha256(bytes)).toBe(part.sha256);
    }
  });

  it('resumes with Range after the connection drops and still verifies', async () => {
    const m = manager();
    const file = fixtureFile(TINY_REPO, 'F16');
    hub.dropCdnAfter(10_000, 2);
    const id = await m.start({ repo: TINY_REPO, file });
    expect((await waitFor(m, id, inState('done', 'failed'))).state).toBe('done');
    const ranges = rangeRequests();
    expect(ranges.length).toBeGreaterThanOrEqual(1);
    const firstOffset = Number(/^bytes=(\d+)-$/.exec(ranges[0] ?? '')?.[1]);
    expect(firstOffset).toBeGreaterThan(0);
    expect(firstOffset).toBeLessThanOrEqual(10_000);
    const bytes = await readFile(join(modelsDir, TINY_REPO, 'hearth-tiny-F16.gguf'));
    expect(bytes.equals(hub.file(TINY_REPO, 'hearth-tiny-F16.gguf')?.bytes ?? Buffer.alloc(0))).toBe(true);
  });

  it('deletes a file whose sha256 does not match and says so', async () => {
    hub.corruptFile(TINY_REPO, 'hearth-tiny-Q4_0.gguf');
    const ready: string[] = [];
    const m = manager({ onModelReady: (id) => ready.push(id) });
    const id = await m.start({ repo: TINY_REPO, file: fixtureFile(TINY_REPO, 'Q4_0') });
    const failed = await waitFor(m, id, inState('done', 'failed'));
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe('hearth-tiny-Q4_0.gguf was corrupted in transit (sha256 mismatch); it was deleted — download it again.');
    expect(await tree(modelsDir)).toEqual([]);
    expect(ready).toEqual([]);
  });

  it('pauses mid-transfer, keeps the partial file and resumes from its size', async () => {
    const file = fixtureFile(TINY_REPO, 'F16');
    hub.slowCdn(Math.ceil(file.size / 2));
    const m = manager();
    const id = await m.start({ repo: TINY_REPO, file });
    await waitFor(m, id, (s) => s.receivedBytes > 0);
    await m.pause(id);
    const partial = join(modelsDir, TINY_REPO, '.hearth-tiny-F16.gguf.part');
    const kept = (await stat(partial)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(file.size);
    expect(m.list()[0]).toMatchObject({ state: 'paused', receivedBytes: kept, bytesPerSecond: 0 });
    hub.slowCdn(undefined);
    m.resume(id);
    expect((await waitFor(m, id, inState('done', 'failed'))).state).toBe('done');
    expect(rangeRequests()).toEqual([`bytes=${kept}-`]);
    expect(await exists(partial)).toBe(false);
    expect(sha256(await readFile(join(modelsDir, TINY_REPO, 'hearth-tiny-F16.gguf')))).toBe(file.parts[0]?.sha256);
  });

  it('cancels mid-transfer and deletes the partial file', async () => {
    const file = fixtureFile(TINY_REPO, 'F16');
    hub.slowCdn(Math.ceil(file.size / 2));
    const m = manager();
    const id = await m.start({ repo: TINY_REPO, file });
    await waitFor(m, id, (s) => s.receivedBytes > 0);
    await m.cancel(id);
    expect(m.list()[0]?.state).toBe('cancelled');
    expect(await tree(modelsDir)).toEqual([]);
  });

  it('resumes an interrupted download from the journal after a restart', async () => {
    const file = fixtureFile(TINY_REPO, 'F16');
    hub.slowCdn(Math.ceil(file.size / 2));
    const first = manager();
    const id = await first.start({ repo: TINY_REPO, file });
    await waitFor(first, id, (s) => s.receivedBytes > 0);
    await first.close();
    const journal = JSON.parse(await readFile(join(dataDir, 'downloads', 'journal.json'), 'utf8')) as { downloads: { id: string; state: string }[] };
    expect(journal.downloads).toMatchObject([{ id, state: 'downloading' }]);
    const kept = (await stat(join(modelsDir, TINY_REPO, '.hearth-tiny-F16.gguf.part'))).size;
    expect(kept).toBeGreaterThan(0);

    hub.slowCdn(undefined);
    const ready: string[] = [];
    const second = manager({ onModelReady: (modelId) => ready.push(modelId) });
    expect(await second.resumeAll()).toEqual([id]);
    expect((await waitFor(second, id, inState('done', 'failed'))).state).toBe('done');
    expect(rangeRequests().at(-1)).toBe(`bytes=${kept}-`);
    expect(sha256(await readFile(join(modelsDir, TINY_REPO, 'hearth-tiny-F16.gguf')))).toBe(file.parts[0]?.sha256);
    expect(ready).toEqual([`${TINY_REPO}/hearth-tiny-F16.gguf`]);
  });

  it('refuses before writing anything when the disk is too full', async () => {
    const file = fixtureFile(TINY_REPO, 'Q8_0');
    const m = manager({ freeDiskBytes: () => Promise.resolve(1_000) });
    await expect(m.start({ repo: TINY_REPO, file })).rejects.toThrow(
      `Not enough disk space for hearth-tiny-Q8_0.gguf: it needs ${(file.size / 1000).toFixed(1)} KB (${file.size} bytes) but ${modelsDir} has 1.0 KB (1000 bytes) free.`,
    );
    expect(m.list()).toEqual([]);
    expect(await tree(modelsDir)).toEqual([]);
    expect(hub.requests.filter((r) => r.server === 'cdn')).toEqual([]);
  });

  it('runs two downloads at once, queues a third, throttles progress, and finishes all', async () => {
    const picked = [fixtureFile(TINY_REPO, 'F16'), fixtureFile(TINY_REPO, 'Q8_0'), fixtureFile(TINY_REPO, 'Q4_0')];
    hub.slowCdn(Math.ceil((picked[0]?.size ?? 0) * 2));
    const m = manager();
    let mostActive = 0;
    const events = new Map<string, number>();
    m.onChange((s) => {
      events.set(s.id, (events.get(s.id) ?? 0) + 1);
      mostActive = Math.max(mostActive, m.list().filter((d) => d.state === 'downloading' || d.state === 'verifying').length);
    });
    const started = Date.now();
    const ids: string[] = [];
    for (const file of picked) ids.push(await m.start({ repo: TINY_REPO, file }));
    expect(m.list().map((s) => s.state)).toEqual(['downloading', 'downloading', 'queued']);
    for (const id of ids) expect((await waitFor(m, id, inState('done', 'failed'))).state).toBe('done');
    const elapsedMs = Date.now() - started;
    expect(mostActive).toBe(2);
    expect(await tree(modelsDir)).toEqual(picked.map((f) => `${TINY_REPO}/${f.name}`).sort());
    // At most one progress event per 250 ms, plus the state changes (queued, downloading, verifying, done).
    for (const id of ids) expect(events.get(id) ?? 0).toBeLessThanOrEqual(Math.ceil(elapsedMs / 250) + 6);
  });

  it('starts over when the server answers a Range request with 200', async () => {
    const file = fixtureFile(TINY_REPO, 'Q8_0');
    const dir = join(modelsDir, TINY_REPO);
    await mkdir(dir, { recursive: true });
    // A partial file of garbage: if it were kept, the sha256 check would fail.
    await writeFile(join(dir, '.hearth-tiny-Q8_0.gguf.part'), Buffer.alloc(5_000, 0x11));
    hub.ignoreRangeNext(1);
    const m = manager();
    const id = await m.start({ repo: TINY_REPO, file });
    expect((await waitFor(m, id, inState('done', 'failed'))).state).toBe('done');
    expect(rangeRequests()).toEqual(['bytes=5000-']);
    expect(sha256(await readFile(join(dir, 'hearth-tiny-Q8_0.gguf')))).toBe(file.parts[0]?.sha256);
  });

  it('gives up after the bounded retries, keeps the partial file, and resume() finishes it', async () => {
    const file = fixtureFile(TINY_REPO, 'F16');
    hub.dropCdnAfter(4_000, 100);
    const m = manager();
    const id = await m.start({ repo: TINY_REPO, file });
    const failed = await waitFor(m, id, inState('done', 'failed'));
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/^Downloading hearth-tiny-F16\.gguf kept failing \(.+\); the partial file was kept — resume to continue\.$/);
    // The first attempt plus maxRetries (3), each asking for the rest of the file.
    expect(hub.requests.filter((r) => r.server === 'cdn')).toHaveLength(4);
    const kept = (await stat(join(modelsDir, TINY_REPO, '.hearth-tiny-F16.gguf.part'))).size;
    expect(kept).toBeGreaterThan(0);
    hub.dropCdnAfter(0, 0);
    m.resume(id);
    expect((await waitFor(m, id, inState('done', 'failed'))).state).toBe('done');
    expect(rangeRequests().at(-1)).toBe(`bytes=${kept}-`);
  });

  it('takes the sha256 from X-Linked-Etag when the listing has none', async () => {
    const listed = fixtureFile(TINY_REPO, 'Q4_0');
    const file: HubGgufFile = { ...listed, parts: listed.parts.map((p) => ({ path: p.path, size: p.size })) };
    const m = manager();
    const id = await m.start({ repo: TINY_REPO, file });
    expect((await waitFor(m, id, inState('done', 'failed'))).state).toBe('done');
    expect(hub.requests.some((r) => r.server === 'hub' && r.method === 'HEAD')).toBe(true);
    hub.corruptFile(TINY_REPO, 'hearth-tiny-Q4_0.gguf');
    await rm(join(modelsDir, TINY_REPO, 'hearth-tiny-Q4_0.gguf'));
    const again = await m.start({ repo: TINY_REPO, file });
    expect((await waitFor(m, again, inState('done', 'failed'))).error).toMatch(/sha256 mismatch/);
  });

  it('refuses part names that would leave the models folder', async () => {
    const m = manager();
    const file: HubGgufFile = { name: '../../evil.gguf', size: 10, parts: [{ path: '../../evil.gguf', size: 10 }], projector: false };
    const error = await m.start({ repo: TINY_REPO, file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_REQUEST');
    expect(await tree(root)).toEqual([]);
  });

  it('returns the same id when a model is started twice', async () => {
    const file = fixtureFile(TINY_REPO, 'Q4_0');
    hub.slowCdn(file.size);
    const m = manager();
    const [a, b] = await Promise.all([m.start({ repo: TINY_REPO, file }), m.start({ repo: TINY_REPO, file })]);
    expect(a).toBe(b);
    expect(await m.start({ repo: TINY_REPO, file })).toBe(a);
    expect(m.list()).toHaveLength(1);
    await m.cancel(a);
  });

  it('treats an unreadable journal as empty', async () => {
    await mkdir(join(dataDir, 'downloads'), { recursive: true });
    await writeFile(join(dataDir, 'downloads', 'journal.json'), '{ not json');
    expect(await manager().resumeAll()).toEqual([]);
  });
});
