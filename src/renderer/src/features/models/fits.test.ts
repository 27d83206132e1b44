import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FitArgs } from '../../../../shared/dto';
import type { FitEstimate, ModelFit } from '../../../../shared/hardwareDto';
import {
  CONTEXT_CHOICES,
  DEFAULT_FIT_CONTEXT,
  fitBadge,
  fitTitle,
  formatHeadroom,
  selectFit,
  splitRows,
  useFitsStore,
} from './fits';

const { estimateFits } = vi.hoisted(() => ({ estimateFits: vi.fn<(args: FitArgs) => Promise<ModelFit[]>>() }));
vi.mock('../../api/api', () => ({ api: { library: { estimateFits } } }));

const cpuEstimate: FitEstimate = {
  label: 'cpu',
  contextSize: 8192,
  gpuLayers: 0,
  totalLayers: 31,
  vram: { weightsBytes: 0, kvCacheBytes: 0, computeBytes: 0, totalBytes: 0 },
  ram: { weightsBytes: 77_400_000, kvCacheBytes: 188_700_000, computeBytes: 20_000_000, totalBytes: 286_100_000 },
  headroom: { vramBytes: 0, ramBytes: 12_300_000_000 },
  safetyMarginBytes: 1_000_000_000,
  reason: 'Q4_0: 77.4 MB weights + 208.7 MB context fits in 13.6 GB of free RAM with 12.3 GB to spare',
};

function fit(modelId: string, estimate: FitEstimate | null, extra: Partial<ModelFit> = {}): ModelFit {
  return { modelId, estimate, recommended: false, bitsPerWeight: 4.6, ...extra };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

beforeEach(() => {
  estimateFits.mockReset();
  useFitsStore.setState({ contextSize: DEFAULT_FIT_CONTEXT, fits: {}, loading: false, estimated: false, error: null });
});

describe('fitBadge', () => {
  it('uses LM Studio’s words and one hue per label', () => {
    const cases = [
      ['full-gpu', 'Full GPU offload', 'emerald'],
      ['partial-gpu', 'Partial GPU offload', 'teal'],
      ['cpu', 'Fits in RAM (CPU)', 'amber'],
      ['too-large', 'Too large', 'red'],
    ] as const;
    for (const [label, text, hue] of cases) {
      const badge = fitBadge(fit('m', { ...cpuEstimate, label }));
      expect(badge.text).toBe(text);
      expect(badge.classes).toContain(`bg-${hue}-50`);
      expect(badge.classes).toContain(`dark:bg-${hue}-950`);
    }
  });

  it('says Unknown for a file that could not be estimated', () => {
    expect(fitBadge(fit('m', null, { error: 'bad header' })).text).toBe('Unknown');
  });
});

describe('fitTitle', () => {
  it('holds the label, the reason and the recommendation', () => {
    const title = fitTitle(fit('m', cpuEstimate, { recommended: true, recommendation: 'Q4_0: the most precise quantization that fits in RAM' }));
    expect(title).toBe(`Fits in RAM (CPU): ${cpuEstimate.reason}\nRecommended: Q4_0: the most precise quantization that fits in RAM`);
    expect(fitTitle(fit('m', null, { error: 'bad header' }))).toBe('Fit unknown: bad header');
  });
});

describe('splitRows', () => {
  it('lists weights, KV cache, compute and total for RAM, and a dash for VRAM without a GPU', () => {
    expect(splitRows(cpuEstimate)).toEqual([
      { name: 'Weights', ram: '77.4 MB', vram: '–' },
      { name: 'KV cache', ram: '188.7 MB', vram: '–' },
      { name: 'Compute', ram: '20.0 MB', vram: '–' },
      { name: 'Total', ram: '286.1 MB', vram: '–' },
    ]);
  });

  it('shows VRAM bytes when layers are offloaded', () => {
    const partial: FitEstimate = {
      ...cpuEstimate,
      label: 'partial-gpu',
      gpuLayers: 20,
      vram: { weightsBytes: 4e9, kvCacheBytes: 1e9, computeBytes: 3e8, totalBytes: 5.3e9 },
    };
    expect(splitRows(partial)[0]).toEqual({ name: 'Weights', ram: '77.4 MB', vram: '4.0 GB' });
    expect(splitRows(partial)[3]).toEqual({ name: 'Total', ram: '286.1 MB', vram: '5.3 GB' });
  });
});

describe('formatHeadroom', () => {
  it('says spare or short', () => {
    expect(formatHeadroom(1.2e9)).toBe('1.2 GB to spare');
    expect(formatHeadroom(-4e8)).toBe('400.0 MB short');
  });
});

describe('useFitsStore', () => {
  it('offers the context choices with 8192 as default', () => {
    expect(CONTEXT_CHOICES).toEqual([2048, 4096, 8192, 16384, 32768, 131072]);
    expect(useFitsStore.getState().contextSize).toBe(8192);
  });

  it('asks for the chosen context and keeps fits by model id', async () => {
    estimateFits.mockResolvedValue([fit('a.gguf', cpuEstimate), fit('b.gguf', null, { error: 'x' })]);
    await useFitsStore.getState().refresh();
    expect(estimateFits).toHaveBeenLastCalledWith({ contextSize: 8192 });
    expect(selectFit('a.gguf')(useFitsStore.getState())?.estimate?.label).toBe('cpu');
    expect(selectFit('c.gguf')(useFitsStore.getState())).toBeUndefined();
    await useFitsStore.getState().setContextSize(2048);
    expect(estimateFits).toHaveBeenLastCalledWith({ contextSize: 2048 });
    expect(useFitsStore.getState()).toMatchObject({ contextSize: 2048, loading: false, estimated: true, error: null });
  });

  it('keeps the last fits and says what failed', async () => {
    estimateFits.mockResolvedValueOnce([fit('a.gguf', cpuEstimate)]).mockRejectedValueOnce(new Error('not implemented'));
    await useFitsStore.getState().refresh();
    await useFitsStore.getState().setContextSize(4096);
    expect(useFitsStore.getState()).toMatchObject({ loading: false, error: 'not implemented' });
    expect(selectFit('a.gguf')(useFitsStore.getState())).toBeDefined();
  });

  it('shows the answer for the last context chosen, whatever order the answers come in', async () => {
    const slow = deferred<ModelFit[]>();
    estimateFits.mockReturnValueOnce(slow.promise).mockResolvedValueOnce([fit('a.gguf', { ...cpuEstimate, contextSize: 2048 })]);
    const first = useFitsStore.getState().setContextSize(131072);
    await useFitsStore.getState().setContextSize(2048);
    slow.resolve([fit('a.gguf', cpuEstimate)]);
    await first;
    expect(useFitsStore.getState().contextSize).toBe(2048);
    expect(selectFit('a.gguf')(useFitsStore.getState())?.estimate?.contextSize).toBe(2048);
    expect(useFitsStore.getState().loading).toBe(false);
  });
});
