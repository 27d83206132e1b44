import type { LoadMemoryCheck } from '../../../../shared/dto';
import { formatBytes } from '../../shared/lib/format';

/** `3.84` → `"+3.8 %"`, `-2.06` → `"−2.1 %"`, `0` → `"±0.0 %"`. */
export function formatErrorPercent(percent: number): string {
  if (!Number.isFinite(percent)) return '–';
  const rounded = Math.round(percent * 10) / 10;
  if (rounded === 0) return '±0.0 %';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(1)} %`;
}

/**
 * Predicted vs measured memory of a load, short for the model bar and long for its title. RAM only
 * when the load used no VRAM; otherwise both pools together (the error percentage is for both).
 */
export function describeMemoryCheck(memory: LoadMemoryCheck): { text: string; title: string } {
  const { predicted, measured } = memory;
  const error = formatErrorPercent(memory.errorPercent);
  const usesVram = predicted.vramBytes > 0 || measured.vramBytes > 0;
  const text = usesVram
    ? `RAM+VRAM ${formatBytes(measured.ramBytes + measured.vramBytes)} measured · ${formatBytes(predicted.ramBytes + predicted.vramBytes)} predicted at full context (${error})`
    : `RAM ${formatBytes(measured.ramBytes)} measured · ${formatBytes(predicted.ramBytes)} predicted at full context (${error})`;
  const pools = [`RAM ${formatBytes(measured.ramBytes)} measured, ${formatBytes(predicted.ramBytes)} predicted`];
  if (usesVram) pools.push(`VRAM ${formatBytes(measured.vramBytes)} measured, ${formatBytes(predicted.vramBytes)} predicted`);
  const title =
    `Memory this load took, measured after one warm-up step, against the fit estimate: ${pools.join('; ')}. ` +
    `The estimate is for every context full; a long conversation grows toward it, so the measurement starts below. ` +
    `${error} is (measured − predicted) / predicted of RAM and VRAM together.`;
  return { text, title };
}
