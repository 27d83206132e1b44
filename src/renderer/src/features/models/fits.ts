import { create } from 'zustand';
import type { FitEstimate, FitLabel, ModelFit } from '../../../../shared/hardwareDto';
import { fitLabelText, formatBytes } from '../../../../shared/format';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

/** Context lengths the Models view offers for the fit estimate, in tokens. */
export const CONTEXT_CHOICES = [2048, 4096, 8192, 16384, 32768, 131072] as const;
/** What the badges show first: the server's own default. */
export const DEFAULT_FIT_CONTEXT = 8192;

interface FitsState {
  /** Context per sequence the fits are asked for, in tokens (the server caps it at each model's trained length). */
  contextSize: number;
  /** The user picked the context: Load then asks for it (else the server picks what fits). */
  chosen: boolean;
  /** Fit of every readable local model, by model id. */
  fits: Record<string, ModelFit>;
  /** An estimate is in flight (the badges shown may be for the previous context). */
  loading: boolean;
  /** At least one estimate finished. */
  estimated: boolean;
  /** The last estimate failed; earlier fits are kept. */
  error: string | null;
  /** Changes the context and asks again. */
  setContextSize(contextSize: number): Promise<void>;
  /** Asks for the fits of the current context (after the models list changed, or to retry). */
  refresh(): Promise<void>;
}

/** Counts requests so a slow answer for an older context never overwrites a newer one. */
let generation = 0;

export const useFitsStore = create<FitsState>()((set, get) => ({
  contextSize: DEFAULT_FIT_CONTEXT,
  chosen: false,
  fits: {},
  loading: false,
  estimated: false,
  error: null,
  async setContextSize(contextSize) {
    if (contextSize === get().contextSize && get().estimated) return;
    set({ contextSize, chosen: true });
    await get().refresh();
  },
  async refresh() {
    const mine = ++generation;
    const contextSize = get().contextSize;
    set({ loading: true });
    try {
      const list = await api.library.estimateFits({ contextSize });
      if (mine !== generation) return;
      set({ fits: Object.fromEntries(list.map((fit) => [fit.modelId, fit])), loading: false, estimated: true, error: null });
    } catch (error) {
      if (mine === generation) set({ loading: false, error: errorMessage(error) });
    }
  },
}));

export const selectFit =
  (modelId: string) =>
  (s: FitsState): ModelFit | undefined =>
    s.fits[modelId];

/** Badge colours, one hue per label, readable in both themes: green, teal, amber, red. */
const BADGE_CLASSES: Record<FitLabel, string> = {
  'full-gpu': 'bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/25',
  'partial-gpu': 'bg-teal-50 text-teal-800 ring-teal-600/25 dark:bg-teal-950 dark:text-teal-300 dark:ring-teal-400/25',
  cpu: 'bg-amber-50 text-amber-800 ring-amber-600/25 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-400/25',
  'too-large': 'bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-950 dark:text-red-300 dark:ring-red-400/25',
};

const UNKNOWN_CLASSES = 'bg-zinc-100 text-zinc-700 ring-zinc-500/25 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/25';

/** Text and colour classes of a model's fit badge; "Unknown" when the file could not be estimated. */
export function fitBadge(fit: ModelFit): { text: string; classes: string } {
  if (!fit.estimate) return { text: 'Unknown', classes: UNKNOWN_CLASSES };
  return { text: fitLabelText[fit.estimate.label], classes: BADGE_CLASSES[fit.estimate.label] };
}

/** Hover text of the badge: label, the reason, and why it is recommended. */
export function fitTitle(fit: ModelFit): string {
  const lines = fit.estimate ? [`${fitLabelText[fit.estimate.label]}: ${fit.estimate.reason}`] : [`Fit unknown: ${fit.error ?? 'no estimate'}`];
  if (fit.recommended && fit.recommendation) lines.push(`Recommended: ${fit.recommendation}`);
  return lines.join('\n');
}

/** One row of the memory split table: what the bytes are for, in RAM and in VRAM. */
export interface SplitRow {
  name: 'Weights' | 'KV cache' | 'Compute' | 'Total';
  ram: string;
  vram: string;
}

/** The memory split of an estimate as table rows, in decimal units; a pool without a GPU shows "–". */
export function splitRows(estimate: FitEstimate): SplitRow[] {
  const vram = (bytes: number) => (estimate.vram.totalBytes > 0 || estimate.gpuLayers > 0 ? formatBytes(bytes) : '–');
  return [
    { name: 'Weights', ram: formatBytes(estimate.ram.weightsBytes), vram: vram(estimate.vram.weightsBytes) },
    { name: 'KV cache', ram: formatBytes(estimate.ram.kvCacheBytes), vram: vram(estimate.vram.kvCacheBytes) },
    { name: 'Compute', ram: formatBytes(estimate.ram.computeBytes), vram: vram(estimate.vram.computeBytes) },
    { name: 'Total', ram: formatBytes(estimate.ram.totalBytes), vram: vram(estimate.vram.totalBytes) },
  ];
}

/** Free memory left after loading: `"1.2 GB to spare"`, or `"0.4 GB short"` when negative. */
export function formatHeadroom(bytes: number): string {
  return bytes < 0 ? `${formatBytes(-bytes)} short` : `${formatBytes(bytes)} to spare`;
}

/** `131072` → `"131072 tokens"`; choices of the context select. */
export function contextChoiceText(tokens: number): string {
  return `${tokens} tokens`;
}
