import type { FitLabel } from './hardwareDto';
/**
 * Formatting shared by the UI and the CLI. Sizes use decimal units (1 MB = 1,000,000 bytes), like
 * the Hugging Face Hub, so the same file shows the same size everywhere.
 */

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB', 'PB'] as const;

/** `81920` → `"81.9 KB"`, `77_400_000` → `"77.4 MB"`. Below 1 KB: whole bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit: string = BYTE_UNITS[0];
  for (const candidate of BYTE_UNITS) {
    value /= 1000;
    unit = candidate;
    // Round first so 999.96 KB shows as "1.0 MB", not "1000.0 KB".
    if (Math.round(value * 10) / 10 < 1000) break;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/** Fit labels in LM Studio's words, so its users recognise them (UI and CLI use these). */
export const fitLabelText: Record<FitLabel, string> = {
  'full-gpu': 'Full GPU offload',
  'partial-gpu': 'Partial GPU offload',
  cpu: 'Fits in RAM (CPU)',
  'too-large': 'Too large',
};
