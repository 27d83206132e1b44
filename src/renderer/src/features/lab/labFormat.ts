import type { LabFileResult } from '../../../../shared/labDto';

/** Numbers of the lab's table, with their units. */
export const fmt = {
  mib: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`,
  bpw: (bits: number | null) => (bits === null ? '–' : bits.toFixed(2)),
  ms: (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`),
  speed: (tokensPerSecond: number) => `${tokensPerSecond.toFixed(1)} tok/s`,
  ppl: (file: LabFileResult) => `${file.ppl.toFixed(3)} ± ${file.pplStderr.toFixed(3)}`,
  ratio: (file: LabFileResult) => (file.isBase ? '1 (base)' : `${file.pplRatio.toFixed(4)} ± ${file.pplRatioStderr.toFixed(4)}`),
  kld: (file: LabFileResult) => (file.isBase ? '–' : `${file.kldMean.toFixed(5)} ± ${file.kldStderr.toFixed(5)}`),
  sameTop: (file: LabFileResult) => (file.isBase ? '–' : `${file.sameTopPercent.toFixed(2)} %`),
  rms: (file: LabFileResult) => (file.isBase ? '–' : `${file.rmsDeltaP.toFixed(3)} %`),
};

/** `2 min 05 s`, `40 s`: the ETA shown beside the progress bar. */
export function formatEta(ms: number | null): string {
  if (ms === null) return 'estimating…';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s left` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s left`;
}

export interface ChartPoint {
  file: LabFileResult;
  x: number;
  y: number;
  /** Marker radius: larger = more quality lost (mean KLD on a log scale). */
  r: number;
  /** Marker colour from green (no loss) to red (the most loss in this run). */
  color: string;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  points: ChartPoint[];
  xTicks: { value: number; x: number }[];
  yTicks: { value: number; y: number }[];
}

/**
 * Size (x, MiB) against generation speed (y, tok/s), one marker per file, quality as the marker's
 * size and colour. Axes start at 0 so the distances are honest.
 */
export function chartLayout(files: readonly LabFileResult[], width = 560, height = 300): ChartLayout {
  const plot = { left: 56, right: width - 16, top: 16, bottom: height - 40 };
  const maxX = niceMax(Math.max(1, ...files.map((f) => f.size / 1024 / 1024)));
  const maxY = niceMax(Math.max(1, ...files.map((f) => f.tgTokensPerSecond)));
  const losses = files.map((f) => (f.isBase ? 0 : Math.max(0, f.kldMean)));
  const worst = Math.max(...losses, 1e-9);
  const points = files.map((file, i): ChartPoint => {
    // log scale between 1e-6 nats and the worst file of the run: the differences span decades.
    const share = losses[i]! <= 1e-6 ? 0 : Math.min(1, Math.log(losses[i]! / 1e-6) / Math.log(Math.max(worst, 1e-5) / 1e-6));
    return {
      file,
      x: plot.left + ((file.size / 1024 / 1024) / maxX) * (plot.right - plot.left),
      y: plot.bottom - (file.tgTokensPerSecond / maxY) * (plot.bottom - plot.top),
      r: 5 + 9 * share,
      color: `hsl(${Math.round(130 - 130 * share)} 65% 45%)`,
    };
  });
  const ticks = (max: number) => [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return {
    width,
    height,
    plot,
    points,
    xTicks: ticks(maxX).map((value) => ({ value, x: plot.left + (value / maxX) * (plot.right - plot.left) })),
    yTicks: ticks(maxY).map((value) => ({ value, y: plot.bottom - (value / maxY) * (plot.bottom - plot.top) })),
  };
}

/** 1, 2 or 5 times a power of ten, at least `value`: round axis ends. */
export function niceMax(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
