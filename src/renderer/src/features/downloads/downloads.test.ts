import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DownloadStatus } from '../../../../shared/hubDto';
import { formatEta, formatSpeed } from './downloadFormat';
import { applyStatus, downloadForFile, downloadsSummary, emptyDownloads, percentOf, removeDownload, replaceAll } from './downloadsReducer';

const calls = vi.hoisted(() => ({ start: vi.fn(), dismiss: vi.fn(), list: vi.fn(), pause: vi.fn() }));
vi.mock('../../api/api', () => ({ api: { downloads: calls } }));

const { selectSummary, useDownloadsStore, fileKey } = await import('./downloads');

function status(id: string, patch: Partial<DownloadStatus> = {}): DownloadStatus {
  return { id, repo: 'o/r', name: `${id}.gguf`, quant: 'Q4_0', state: 'downloading', receivedBytes: 0, totalBytes: 1000, bytesPerSecond: 0, ...patch };
}

describe('downloads reducer', () => {
  it('adds new downloads in order and updates known ones without changing the id list', () => {
    let slice = applyStatus(emptyDownloads, status('a'));
    slice = applyStatus(slice, status('b'));
    const ids = slice.ids;
    expect(ids).toEqual(['a', 'b']);
    slice = applyStatus(slice, status('a', { receivedBytes: 500 }));
    expect(slice.ids).toBe(ids);
    expect(slice.byId.a!.receivedBytes).toBe(500);
  });

  it('keeps "load when done" after core stops reporting it', () => {
    let slice = applyStatus(emptyDownloads, status('a', { loadWhenDone: true }));
    slice = applyStatus(slice, status('a', { state: 'done', modelId: 'o/r/a.gguf', loadError: 'Downloaded, but loading failed: x' }));
    expect(slice.byId.a).toMatchObject({ loadWhenDone: true, loadError: 'Downloaded, but loading failed: x' });
    slice = replaceAll(slice, [status('a', { state: 'done' })]);
    expect(slice.byId.a!.loadWhenDone).toBe(true);
  });

  it('replaces the list, keeping the id array when membership is the same', () => {
    const slice = replaceAll(emptyDownloads, [status('a'), status('b')]);
    const same = replaceAll(slice, [status('a', { receivedBytes: 10 }), status('b')]);
    expect(same.ids).toBe(slice.ids);
    expect(same.byId.a!.receivedBytes).toBe(10);
    const fewer = replaceAll(slice, [status('b')]);
    expect(fewer.ids).toEqual(['b']);
    expect(fewer.byId.a).toBeUndefined();
  });

  it('removes a dismissed download', () => {
    const slice = removeDownload(replaceAll(emptyDownloads, [status('a'), status('b')]), 'a');
    expect(slice.ids).toEqual(['b']);
    expect(removeDownload(slice, 'zzz')).toBe(slice);
  });

  it('finds the newest download of a file that is not cancelled', () => {
    let slice = replaceAll(emptyDownloads, [status('old', { name: 'f.gguf', state: 'failed' }), status('new', { name: 'f.gguf', state: 'cancelled' })]);
    expect(downloadForFile(slice, 'o/r', 'f.gguf')?.id).toBe('old');
    slice = applyStatus(slice, status('third', { name: 'f.gguf' }));
    expect(downloadForFile(slice, 'o/r', 'f.gguf')?.id).toBe('third');
    expect(downloadForFile(slice, 'o/other', 'f.gguf')).toBeUndefined();
  });

  it('sums what is running for the status bar', () => {
    const slice = replaceAll(emptyDownloads, [
      status('a', { receivedBytes: 300, totalBytes: 1000 }),
      status('b', { state: 'queued', receivedBytes: 0, totalBytes: 1000 }),
      status('c', { state: 'paused' }),
      status('d', { state: 'failed' }),
      status('e', { state: 'done', receivedBytes: 1000 }),
    ]);
    expect(downloadsSummary(slice)).toBe('2 downloading · 15 % · 1 paused · 1 failed');
    expect(downloadsSummary(replaceAll(emptyDownloads, [status('e', { state: 'done' })]))).toBe('');
  });

  it('computes whole percentages, 0 for an unknown size', () => {
    expect(percentOf({ receivedBytes: 999, totalBytes: 1000 })).toBe(99);
    expect(percentOf({ receivedBytes: 5, totalBytes: 0 })).toBe(0);
  });
});

describe('download figures', () => {
  it('formats speed in decimal units like sizes', () => {
    expect(formatSpeed(2_100_000)).toBe('2.1 MB/s');
    expect(formatSpeed(0)).toBe('–');
  });

  it('formats the time left with two units at most', () => {
    expect(formatEta(42)).toBe('42 s');
    expect(formatEta(185)).toBe('3 min 5 s');
    expect(formatEta(120)).toBe('2 min');
    expect(formatEta(7260)).toBe('2 h 1 min');
    expect(formatEta(undefined)).toBe('–');
  });
});

describe('downloads store', () => {
  beforeEach(() => {
    useDownloadsStore.setState({ ...emptyDownloads, startErrors: {}, starting: {}, actionErrors: {}, panelOpen: false, listError: null });
    for (const call of Object.values(calls)) call.mockReset();
  });

  it('applies events by id and summarises as a string (so the status bar re-renders only on new text)', () => {
    const store = useDownloadsStore.getState();
    store.applyStatus(status('a', { receivedBytes: 450 }));
    expect(selectSummary(useDownloadsStore.getState())).toBe('1 downloading · 45 %');
    store.applyStatus(status('a', { receivedBytes: 451 }));
    expect(selectSummary(useDownloadsStore.getState())).toBe('1 downloading · 45 %');
  });

  it('a started download leaves the panel closed; an answer never overwrites a newer event', async () => {
    calls.start.mockImplementation(async () => {
      // The event with progress arrives before the call answers with the older status.
      useDownloadsStore.getState().applyStatus(status('a', { receivedBytes: 700 }));
      return status('a', { state: 'queued' });
    });
    await useDownloadsStore.getState().start({ repo: 'o/r', file: 'a.gguf' });
    const state = useDownloadsStore.getState();
    expect(state.byId.a).toMatchObject({ state: 'downloading', receivedBytes: 700 });
    expect(state.panelOpen).toBe(false);
    expect(state.starting).toEqual({});
  });

  it('keeps a refused start beside its file', async () => {
    calls.start.mockRejectedValue(new Error('Not enough disk space'));
    await useDownloadsStore.getState().start({ repo: 'o/r', file: 'a.gguf' });
    expect(useDownloadsStore.getState().startErrors[fileKey('o/r', 'a.gguf')]).toBe('Not enough disk space');
    expect(useDownloadsStore.getState().panelOpen).toBe(false);
  });

  it('dismiss removes the download; a failed action keeps its error by id', async () => {
    useDownloadsStore.getState().applyStatus(status('a', { state: 'failed', error: 'sha256 mismatch' }));
    calls.pause.mockRejectedValue(new Error('gone'));
    await useDownloadsStore.getState().pause('a');
    expect(useDownloadsStore.getState().actionErrors.a).toBe('gone');
    calls.dismiss.mockResolvedValue({ dismissed: true });
    await useDownloadsStore.getState().dismiss('a');
    expect(useDownloadsStore.getState().ids).toEqual([]);
  });
});
