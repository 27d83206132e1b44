import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GpuInfo, HardwareSnapshot } from '../../../../shared/hardwareDto';

import { backendName, meterText, meterValues, osLine, sortGpus, useHardwareStore } from './hardware';

const { getSnapshot } = vi.hoisted(() => ({ getSnapshot: vi.fn<(args: { refresh?: boolean }) => Promise<HardwareSnapshot>>() }));
vi.mock('../../api/api', () => ({ api: { hardware: { getSnapshot } } }));

const snapshot: HardwareSnapshot = {
  takenAt: '2025-01-01T00:00:00.000Z',
  cpu: { model: 'Test CPU', physicalCores: 2, logicalCores: 4, simd: ['AVX2', 'FMA'] },
  ram: { totalBytes: 24e9, freeBytes: 17.8e9, swapTotalBytes: 0, swapFreeBytes: 0 },
  gpus: [],
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', arch: 'x64' },
  llama: { backend: 'cpu', gpuNames: [], vram: { totalBytes: 0, usedBytes: 0, freeBytes: 0 }, unifiedBytes: 0, cpuMathCores: 2, binary: 'prebuilt' },
  notes: [],
  errors: [],
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

beforeEach(() => {
  getSnapshot.mockReset();
  useHardwareStore.setState({ snapshot: null, loading: false, error: null });
});

describe('meterValues', () => {
  it('derives used bytes and a whole percentage from total and free', () => {
    expect(meterValues(24e9, 17.8e9)).toEqual({ usedBytes: 6.2e9, freeBytes: 17.8e9, totalBytes: 24e9, percent: 26 });
  });

  it('clamps free memory reported above the total or below zero', () => {
    expect(meterValues(8e9, 9e9)).toMatchObject({ usedBytes: 0, freeBytes: 8e9, percent: 0 });
    expect(meterValues(8e9, -1)).toMatchObject({ usedBytes: 8e9, freeBytes: 0, percent: 100 });
  });

  it('is an empty bar, not NaN, without a total', () => {
    expect(meterValues(0, 0)).toEqual({ usedBytes: 0, freeBytes: 0, totalBytes: 0, percent: 0 });
    expect(meterValues(Number.NaN, 5)).toEqual({ usedBytes: 0, freeBytes: 0, totalBytes: 0, percent: 0 });
  });
});

describe('meterText', () => {
  it('says used / total and free in GB', () => {
    expect(meterText(meterValues(24e9, 17.8e9))).toEqual({ used: '6.2 / 24.0 GB used', free: '17.8 GB free' });
  });
});

describe('sortGpus', () => {
  const gpu = (model: string, vramBytes: number | null): GpuInfo => ({ vendor: 'V', model, vramBytes });

  it('puts the GPU with most VRAM first and unknown VRAM last, else keeps the OS order', () => {
    const sorted = sortGpus([gpu('display', 64e6), gpu('unknown', null), gpu('card', 8e9), gpu('twin', 8e9)]);
    expect(sorted.map((g) => g.model)).toEqual(['card', 'twin', 'display', 'unknown']);
  });
});

describe('names', () => {
  it('writes backends as their makers do', () => {
    expect(backendName('cpu')).toBe('CPU');
    expect(backendName('cuda')).toBe('CUDA');
    expect(backendName('vulkan')).toBe('Vulkan');
    expect(backendName('metal')).toBe('Metal');
  });

  it('puts the OS in one line and leaves out the parts it lacks', () => {
    expect(osLine(snapshot.os)).toBe('Debian GNU/Linux 12 · linux x64');
    expect(osLine({ platform: 'darwin', distro: '', release: '', arch: 'arm64' })).toBe('darwin arm64');
    expect(osLine({ platform: '', distro: '', release: '', arch: '' })).toBe('unknown');
  });
});

describe('useHardwareStore', () => {
  it('keeps the snapshot, and asks the server to read again only on refresh', async () => {
    getSnapshot.mockResolvedValue(snapshot);
    await useHardwareStore.getState().fetch();
    expect(getSnapshot).toHaveBeenLastCalledWith({});
    expect(useHardwareStore.getState()).toMatchObject({ snapshot, loading: false, error: null });
    await useHardwareStore.getState().fetch({ refresh: true });
    expect(getSnapshot).toHaveBeenLastCalledWith({ refresh: true });
  });

  it('says what failed and keeps the snapshot it had', async () => {
    getSnapshot.mockResolvedValueOnce(snapshot).mockRejectedValueOnce(new Error('not implemented'));
    await useHardwareStore.getState().fetch();
    await useHardwareStore.getState().fetch({ refresh: true });
    expect(useHardwareStore.getState()).toMatchObject({ snapshot, loading: false, error: 'not implemented' });
  });

  it('never lets an older, slower answer overwrite a newer one', async () => {
    const slow = deferred<HardwareSnapshot>();
    const newer = { ...snapshot, takenAt: '2025-01-02T00:00:00.000Z' };
    getSnapshot.mockReturnValueOnce(slow.promise).mockResolvedValueOnce(newer);
    const first = useHardwareStore.getState().fetch();
    await useHardwareStore.getState().fetch({ refresh: true });
    slow.resolve(snapshot);
    await first;
    expect(useHardwareStore.getState().snapshot?.takenAt).toBe(newer.takenAt);
    expect(useHardwareStore.getState().loading).toBe(false);
  });
});
