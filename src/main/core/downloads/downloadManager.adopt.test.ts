/**
 * A one-shot process (`hearth pull`) that does not resume every journalled download: starting a
 * model the journal lists continues it under its journalled id, and the other entries survive.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { HubClient } from '../hub/hubClient';
import type { HubGgufFile } from '../hub/hubTypes';
import { type HubFixtureServer, startHubFixtureServer, TINY_REPO } from '../../testing/hub/hubFixtureServer';
import { DownloadManager } from './downloadManager';
import type { DownloadStatus, JournalEntry } from './downloadTypes';

let hub: HubFixtureServer;
let client: HubClient;
let root: string;
let managers: DownloadManager[];
let files: HubGgufFile[];

const FAST_RETRY = { initialBackoffMs: 10, maxBackoffMs: 50, maxRetries: 3, budgetMs: 5_000, idleTimeoutMs: 5_000 };
const modelsDir = (): string => join(root, 'models');
const journalPath = (): string => join(root, 'data', 'downloads', 'journal.json');

function manager(): DownloadManager {
  const created = new DownloadManager({ hub: client, modelsDir: modelsDir(), dataDir: join(root, 'data'), logger: silentLogger, retry: FAST_RETRY });
  managers.push(created);
  return created;
}

function file(quant: string): HubGgufFile {
  const found = files.find((f) => f.quant === quant);
  if (!found) throw new Error(`no ${quant}`);
  return found;
}

/** Polls every 20 ms, at most 8 s. */
async function waitFor(m: DownloadManager, id: string, check: (s: DownloadStatus) => boolean): Promise<DownloadStatus> {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const status = m.list().find((s) => s.id === id);
    if (status && check(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out; last status ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function journal(): Promise<JournalEntry[]> {
  return (JSON.parse(await readFile(journalPath(), 'utf8')) as { downloads: JournalEntry[] }).downloads;
}

/** Starts `quant`, lets some bytes arrive over a slow link, then closes the manager as a quit would. */
async function interrupted(quant: string): Promise<{ id: string; kept: number }> {
  hub.slowCdn(Math.ceil(file(quant).size / 2));
  const first = manager();
  const id = await first.start({ repo: TINY_REPO, file: file(quant) });
  await waitFor(first, id, (s) => s.receivedBytes > 0);
  await first.close();
  hub.slowCdn(undefined);
  const kept = (await stat(join(modelsDir(), TINY_REPO, `.hearth-tiny-${quant}.gguf.part`))).size;
  return { id, kept };
}

beforeAll(async () => {
  hub = await startHubFixtureServer();
  client = new HubClient({ endpoint: hub.endpoint, timeoutMs: 5_000 });
  files = (await client.getRepo(TINY_REPO)).files;
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-adopt-'));
  managers = [];
  hub.requests.length = 0;
});
afterEach(async () => {
  hub.slowCdn(undefined);
  await Promise.all(managers.map((m) => m.close()));
  await rm(root, { recursive: true, force: true });
});

describe('DownloadManager.start with a journalled download', () => {
  it('continues it under the journalled id with a Range request, and journals it once', async () => {
    const { id, kept } = await interrupted('F16');
    expect(kept).toBeGreaterThan(0);
    const second = manager();
    // Not resumeAll(): a CLI pull starts just the model it was asked for.
    const adopted = await second.start({ repo: TINY_REPO, file: file('F16') });
    expect(adopted).toBe(id);
    expect((await journal()).map((e) => e.id)).toEqual([id]);
    expect((await waitFor(second, id, (s) => s.state === 'done' || s.state === 'failed')).state).toBe('done');
    const ranges = hub.requests.filter((r) => r.server === 'cdn' && r.headers.range !== undefined).map((r) => r.headers.range);
    expect(ranges.at(-1)).toBe(`bytes=${kept}-`);
    const bytes = await readFile(join(modelsDir(), TINY_REPO, 'hearth-tiny-F16.gguf'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file('F16').parts[0]?.sha256);
    await second.close();
    expect(await journal()).toEqual([]);
  });

  it('keeps the journal entries of other models it was not asked for', async () => {
    const { id: other } = await interrupted('F16');
    const second = manager();
    const id = await second.start({ repo: TINY_REPO, file: file('Q4_0') });
    await waitFor(second, id, (s) => s.state === 'done');
    await second.close();
    expect((await journal()).map((e) => [e.id, e.file.name])).toEqual([[other, 'hearth-tiny-F16.gguf']]);
    // The app's next start still finds it.
    const third = manager();
    expect(await third.resumeAll()).toEqual([other]);
  });

  it('starts over under a new id when the repo changed since the entry was journalled', async () => {
    const { id } = await interrupted('F16');
    const entries = await journal();
    // An older snapshot of the file: another hash, so the partial bytes are not a prefix of it.
    entries[0]!.file.parts[0]!.sha256 = '0'.repeat(64);
    await writeFile(journalPath(), JSON.stringify({ version: 1, downloads: entries }));
    const second = manager();
    const started = await second.start({ repo: TINY_REPO, file: file('F16') });
    expect(started).not.toBe(id);
    expect((await waitFor(second, started, (s) => s.state === 'done' || s.state === 'failed')).state).toBe('done');
    expect(hub.requests.filter((r) => r.server === 'cdn').at(-1)?.headers.range).toBeUndefined();
  });
});
