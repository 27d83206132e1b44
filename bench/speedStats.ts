/**
 * Statistics and tables for bench/engineSpeed.ts (and bench/speedReport.ts, which merges several
 * runs, e.g. one per model × thread count): per cell the median and min–max of the reps, the ratio
 * Hearth / llama-server of reps measured back to back, and best against best with its spread.
 */
export type Engine = 'hearth' | 'llama-server';

export interface Row {
  model: string;
  engine: Engine;
  threads: number;
  streams: number;
  /** Median of the reps (aggregate tok/s over all streams). */
  tokensPerSecond: number;
  min: number;
  max: number;
  /** Every rep, in the order measured (rep i of one engine ran right next to rep i of the other). */
  runs: number[];
  ttftMs: number;
  /** (max − min) / median above {@link NOISY}: the machine was not steady enough to trust this cell. */
  noisy: boolean;
}

/** Spread above which a cell is flagged noisy; single runs on the 2-core VM spread about ±10 %. */
export const NOISY = 0.25;

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function row(base: Pick<Row, 'model' | 'engine' | 'threads' | 'streams'>, runs: number[], ttfts: number[]): Row {
  const tokensPerSecond = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { ...base, tokensPerSecond, min, max, runs, ttftMs: median(ttfts), noisy: (max - min) / tokensPerSecond > NOISY };
}

/**
 * One row per (model, engine, threads, streams): the reps of every run (fresh server processes each)
 * concatenated in the same order for both engines, so rep i of one still pairs with rep i of the other.
 * A process on this VM can be ~15 % slower than the next for its whole life, so a cell is only as
 * good as the number of processes behind it.
 */
export function mergeRows(rows: Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${key(r)}|${r.engine}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    return row({ model: first.model, engine: first.engine, threads: first.threads, streams: first.streams }, group.flatMap((r) => r.runs), group.map((r) => r.ttftMs));
  });
}

const fmt = (r: Row) => `${r.tokensPerSecond.toFixed(1)} [${r.min.toFixed(1)}–${r.max.toFixed(1)}]${r.noisy ? ' noisy' : ''}`;
const key = (r: Row) => `${r.model}|${r.threads}|${r.streams}`;

/** One line per (model, threads, streams): both engines and the ratio of back-to-back reps. */
export function cellTable(rows: Row[]) {
  const cells = new Map<string, { hearth?: Row; ref?: Row }>();
  for (const r of rows) {
    const cell = cells.get(key(r)) ?? {};
    if (r.engine === 'hearth') cell.hearth = r;
    else cell.ref = r;
    cells.set(key(r), cell);
  }
  return [...cells.values()].map(({ hearth, ref }) => {
    const any = (hearth ?? ref)!;
    const paired = hearth && ref ? hearth.runs.map((h, i) => h / ref.runs[i]!).filter(Number.isFinite) : [];
    return {
      model: any.model,
      threads: any.threads,
      streams: any.streams,
      'hearth tok/s median [min–max]': hearth ? fmt(hearth) : '',
      'llama-server tok/s median [min–max]': ref ? fmt(ref) : '',
      'ratio of medians': hearth && ref ? (hearth.tokensPerSecond / ref.tokensPerSecond).toFixed(2) : '',
      'paired ratio median [min–max]': paired.length ? `${median(paired).toFixed(2)} [${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)}]` : '',
      'TTFT ms hearth / llama-server': `${hearth ? hearth.ttftMs.toFixed(0) : '–'} / ${ref ? ref.ttftMs.toFixed(0) : '–'}`,
    };
  });
}

/**
 * Each engine at its fastest thread count (by median), per model and streams. The spread is the
 * ratio's range from the two cells' min–max (worst: Hearth's min over llama-server's max).
 */
export function bestAgainstBest(rows: Row[]) {
  const out = [];
  for (const model of [...new Set(rows.map((r) => r.model))]) {
    for (const streams of [...new Set(rows.map((r) => r.streams))].sort((a, b) => a - b)) {
      const pick = (engine: Engine) =>
        rows.filter((r) => r.model === model && r.streams === streams && r.engine === engine).sort((a, b) => b.tokensPerSecond - a.tokensPerSecond)[0];
      const hearth = pick('hearth');
      const ref = pick('llama-server');
      if (!hearth || !ref) continue;
      out.push({
        model,
        streams,
        'hearth tok/s (threads)': `${fmt(hearth)} (${hearth.threads})`,
        'llama-server tok/s (threads)': `${fmt(ref)} (${ref.threads})`,
        'hearth / llama-server': (hearth.tokensPerSecond / ref.tokensPerSecond).toFixed(2),
        'ratio range': `${(hearth.min / ref.max).toFixed(2)}–${(hearth.max / ref.min).toFixed(2)}`,
      });
    }
  }
  return out;
}
