/**
 * Number formatting for the UI. Sizes use decimal units (1 MB = 1,000,000 bytes), like the CLI
 * and the Hugging Face Hub, so the same file shows the same size everywhere.
 */

export { formatBytes } from '../../../../shared/format';

const PARAM_UNITS = [
  { size: 1e12, suffix: 'T' },
  { size: 1e9, suffix: 'B' },
  { size: 1e6, suffix: 'M' },
  { size: 1e3, suffix: 'K' },
] as const;

/**
 * Parameter count the way model cards write it: `134_515_008` → `"135M"`,
 * `1_235_814_400` → `"1.2B"`, `8_030_261_248` → `"8B"`. One decimal below 10, none above.
 */
export function formatParams(count: number): string {
  if (!Number.isFinite(count) || count < 0) return '–';
  for (const { size, suffix } of PARAM_UNITS) {
    if (count >= size * 0.9995) {
      // The 0.9995 threshold moves values that would round to "1000M" up to "1B".
      const value = count / size;
      return `${trimZero(value < 9.95 ? value.toFixed(1) : value.toFixed(0))}${suffix}`;
    }
  }
  return String(Math.round(count));
}

/**
 * Trained context length, short: `8192` → `"8k ctx"`, `131072` → `"128k ctx"`,
 * `32000` → `"32k ctx"`, `512` → `"512 ctx"`, `1048576` → `"1M ctx"`.
 */
export function formatCtx(tokens: number): string {
  return `${shortTokens(tokens)} ctx`;
}

function shortTokens(tokens: number): string {
  if (!Number.isFinite(tokens) || tokens <= 0) return '–';
  const n = Math.round(tokens);
  if (n < 1000) return String(n);
  if (n >= 1_048_576 && n % 1_048_576 === 0) return `${n / 1_048_576}M`;
  // Powers-of-two lengths (8192) and round decimal ones (32000) both read as "k".
  if (n % 1024 === 0) return `${n / 1024}k`;
  if (n % 1000 === 0) return `${n / 1000}k`;
  const k = n / 1024;
  return `${trimZero(k < 10 ? k.toFixed(1) : k.toFixed(0))}k`;
}

/** Exact context size of a loaded model: `4096` → `"4096 ctx"`. */
export function formatCtxExact(tokens: number): string {
  return `${Math.round(tokens)} ctx`;
}

/** Generation speed with one decimal: `41.83` → `"41.8"`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  return perSecond.toFixed(1);
}

/** Whole milliseconds: `179.6` → `"180"`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return String(Math.round(ms));
}

/** Load progress 0–1 as a whole percentage, clamped. */
export function toPercent(progress: number): number {
  if (!Number.isFinite(progress)) return 0;
  return Math.min(100, Math.max(0, Math.round(progress * 100)));
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}
