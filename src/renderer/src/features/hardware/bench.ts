import { create } from 'zustand';
import type { BenchOverview, BenchProgress, BenchResult, BenchThreadRun, MachineProfile } from '../../../../shared/benchDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

interface BenchState {
  /** This machine's profile and benchmarks; null until the first read. */
  overview: BenchOverview | null;
  /** The benchmark running from this page: its model, the latest progress and the thread counts done. */
  running: { modelId: string; progress: BenchProgress | null; runs: BenchThreadRun[] } | null;
  error: string | null;
  fetch(): Promise<void>;
  run(modelId: string): Promise<void>;
  cancel(): void;
}

let controller: AbortController | null = null;

/** The machine benchmark as the Hardware view shows it (`bench.*`). */
export const useBenchStore = create<BenchState>()((set, get) => ({
  overview: null,
  running: null,
  error: null,
  async fetch() {
    try {
      set({ overview: await api.bench.getResults() });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async run(modelId) {
    if (get().running) return;
    controller = new AbortController();
    set({ running: { modelId, progress: null, runs: [] }, error: null });
    try {
      await api.bench.run(
        { modelId },
        {
          signal: controller.signal,
          onChunk: (progress) => {
            const running = get().running;
            if (!running) return;
            set({ running: { ...running, progress, runs: progress.type === 'run' ? [...running.runs, progress.run] : running.runs } });
          },
        },
      );
      set({ running: null });
      await get().fetch();
    } catch (error) {
      set({ running: null, error: errorMessage(error) });
    } finally {
      controller = null;
    }
  },
  cancel() {
    controller?.abort();
  },
}));

/** The newest benchmark of `modelId` on this machine, if any. */
export function latestResultFor(overview: BenchOverview | null, modelId: string | undefined): BenchResult | undefined {
  return modelId ? overview?.results.find((result) => result.modelId === modelId) : undefined;
}

/** Share of a benchmark done, 0–100, for its progress bar. */
export function benchPercent(progress: BenchProgress | null): number {
  if (!progress || progress.type === 'loading') return 0;
  return Math.round(((progress.type === 'run' ? progress.done : progress.done) / progress.total) * 100);
}

/** `14.2 GB/s`, and where it comes from: "measured with <model>" or Hearth's default. */
export function bandwidthText(figure: MachineProfile['cpu']): { value: string; source: string } {
  const value = `${(figure.bytesPerSecond / 1e9).toFixed(1)} GB/s`;
  if (figure.source === 'default') return { value, source: 'default (not benchmarked yet)' };
  return { value, source: `measured with ${figure.modelId ?? 'a benchmark'}` };
}
