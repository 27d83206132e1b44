import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceState, ModelInfo } from '../../../shared/dto';
import type { AppEvents } from '../../../shared/events';
import type { DownloadStatus, HubRepoDetail, HubSearchPage, RemoteRepoFit } from '../../../shared/hubDto';
import { startHubFixtureServer, TINY_REPO, type HubFixtureServer } from '../../testing/hub/hubFixtureServer';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

// The hub and downloads methods through the core's dispatcher: a fixture Hub + CDN on 127.0.0.1 and a real engine process.
let hub: HubFixtureServer;
let core: Core;
let modelsDir: string;
let cleanup: () => Promise<void>;
const call = <T>(method: string, args: unknown = {}) => core.dispatch(method, args) as Promise<T>;

beforeAll(async () => {
  hub = await startHubFixtureServer();
  const test = await createTestCore({}, { endpoint: hub.endpoint });
  core = test.core;
  modelsDir = test.modelsDir;
  cleanup = test.cleanup;
});
afterAll(async () => {
  await cleanup();
  await hub.close();
});

/** Collects events until `until` holds for one of them; fails after `timeoutMs`. */
function waitForEvent<E extends keyof AppEvents>(event: E, until: (payload: AppEvents[E]) => boolean, timeoutMs = 15_000): Promise<AppEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no ${event} event matched in ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = core.events.subscribe((name, payload) => {
      if ((name as string) !== event || !until(payload as AppEvents[E])) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(payload as AppEvents[E]);
    });
  });
}

describe('hub and downloads through the contract', () => {
  it('searches, opens a pasted reference with its quant preselected, and says when the quant is missing', async () => {
    const page = await call<HubSearchPage>('hub.search', { query: 'tiny', sort: 'likes' });
    expect(page.models.map((m) => m.id)).toContain(TINY_REPO);
    const likes = page.models.map((m) => m.likes);
    expect([...likes].sort((a, b) => b - a)).toEqual(likes);

    const detail = await call<HubRepoDetail>('hub.getRepo', { reference: `https://huggingface.co/${TINY_REPO}` });
    expect(detail.repo.files.map((f) => f.quant).sort()).toEqual(['F16', 'Q4_0', 'Q8_0']);
    expect(detail.selected).toBeUndefined();
    const picked = await call<HubRepoDetail>('hub.getRepo', { reference: `${TINY_REPO}:q8_0` });
    expect(picked.selected).toBe('hearth-tiny-Q8_0.gguf');
    const missing = await call<HubRepoDetail>('hub.getRepo', { reference: `${TINY_REPO}:Q2_K` });
    expect(missing.selected).toBeUndefined();
    expect(missing.selectionError).toMatch(/no Q2_K model.*Available: .*Q4_0/);
  });

  it('refuses bad input before any request: a repo id that is a path, an unknown file', async () => {
    const before = hub.requests.length;
    await expect(call('downloads.start', { repo: '../etc', file: 'x.gguf' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('hub.estimateFits', { repo: 'a/b/c' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(hub.requests.length).toBe(before);
    await expect(call('downloads.start', { repo: TINY_REPO, file: 'nope.gguf' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('nope.gguf') });
  });

  it('estimates every quant from remote headers and recommends exactly one', async () => {
    const fits = await call<RemoteRepoFit>('hub.estimateFits', { repo: TINY_REPO, contextSize: 256 });
    expect(fits.files).toHaveLength(3);
    expect(fits.files.every((f) => f.estimate !== null && f.bitsPerWeight > 0)).toBe(true);
    expect(fits.files.filter((f) => f.recommended)).toHaveLength(1);
  });

  it('Download & load: two callers starting the same model share one download; it is verified, listed, announced and loaded', async () => {
    const detail = await call<HubRepoDetail>('hub.getRepo', { reference: `${TINY_REPO}:Q4_0` });
    const events: Array<keyof AppEvents> = [];
    const unsubscribe = core.events.subscribe((name) => events.push(name));
    const loaded = waitForEvent('inference.stateChanged', (state: InferenceState) => state.loaded?.modelId === `${TINY_REPO}/hearth-tiny-Q4_0.gguf`);
    hub.dropCdnAfter(20_000, 1);
    const args = { repo: TINY_REPO, file: detail.selected!, revision: detail.repo.sha, loadWhenDone: true };
    const [first, second] = await Promise.all([call<DownloadStatus>('downloads.start', args), call<DownloadStatus>('downloads.start', args)]);
    expect(second.id).toBe(first.id);
    expect(first.loadWhenDone).toBe(true);
    await loaded;
    unsubscribe();

    const done = (await call<DownloadStatus[]>('downloads.list')).find((d) => d.id === first.id)!;
    expect(done).toMatchObject({ state: 'done', modelId: `${TINY_REPO}/hearth-tiny-Q4_0.gguf`, receivedBytes: done.totalBytes });
    expect(events).toContain('library.changed');
    expect(events).toContain('downloads.changed');
    // The dropped connection was resumed with a Range request, and the bytes are the Hub's.
    expect(hub.requests.some((r) => r.server === 'cdn' && /^bytes=[1-9]\d*-$/.test(r.headers.range ?? ''))).toBe(true);
    const path = join(modelsDir, TINY_REPO, 'hearth-tiny-Q4_0.gguf');
    expect(createHash('sha256').update(await readFile(path)).digest('hex')).toBe(hub.file(TINY_REPO, 'hearth-tiny-Q4_0.gguf')!.sha256);
    const models = await call<ModelInfo[]>('library.listModels');
    expect(models.find((m) => m.id === done.modelId)?.status).toBe('ok');

    expect(await call('downloads.dismiss', { id: first.id })).toEqual({ dismissed: true });
    expect(await call<DownloadStatus[]>('downloads.list')).toEqual([]);
    // Dismissing forgets the entry, never the file.
    expect((await stat(path)).size).toBe(done.totalBytes);
  });

  it('a wrong hash fails the download with the reason and leaves nothing in the models folder', async () => {
    hub.corruptFile(TINY_REPO, 'hearth-tiny-F16.gguf');
    try {
      const started = await call<DownloadStatus>('downloads.start', { repo: TINY_REPO, file: 'hearth-tiny-F16.gguf' });
      const failed = await waitForEvent('downloads.changed', (s) => s.id === started.id && s.state === 'failed');
      expect(failed.error).toMatch(/sha256|hash/i);
      await expect(stat(join(modelsDir, TINY_REPO, 'hearth-tiny-F16.gguf'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(stat(join(modelsDir, TINY_REPO, '.hearth-tiny-F16.gguf.part'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      hub.corruptFile(TINY_REPO, 'hearth-tiny-F16.gguf', false);
    }
  });
});
