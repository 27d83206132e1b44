import type { LoadedModel } from '../../../../shared/dto';
import type { LoadMemoryCheck } from '../../../../shared/hardwareDto';
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
  // Short enough for the model bar and readable alone: what is in use, and how that compares with
  // the estimate in words (the figures and the formula are in the title).
  const used = usesVram ? `RAM+VRAM ${formatBytes(measured.ramBytes + measured.vramBytes)}` : `RAM ${formatBytes(measured.ramBytes)}`;
  const text = `${used} in use · ${compareWithEstimate(memory.errorPercent)}`;
  const pools = [`RAM ${formatBytes(measured.ramBytes)} measured, ${formatBytes(predicted.ramBytes)} predicted`];
  if (usesVram) pools.push(`VRAM ${formatBytes(measured.vramBytes)} measured, ${formatBytes(predicted.vramBytes)} predicted`);
  const title =
    `Memory this load took, measured after one warm-up step, against the fit estimate: ${pools.join('; ')}. ` +
    `The estimate is for every context full; a long conversation grows toward it, so the measurement starts below. ` +
    `${error} is (measured − predicted) / predicted of RAM and VRAM together.`;
  return { text, title };
}

/** `-5.5` → `"5.5 % below the estimate"`, `2` → `"2.0 % above the estimate"`, `0` → `"as estimated"`. */
export function compareWithEstimate(percent: number): string {
  if (!Number.isFinite(percent)) return 'no estimate to compare';
  const rounded = Math.round(percent * 10) / 10;
  if (rounded === 0) return 'as estimated';
  return `${Math.abs(rounded).toFixed(1)} % ${rounded > 0 ? 'above' : 'below'} the estimate`;
}

/**
 * Memory a resident model holds, in bytes: what its load was measured to take (RAM and VRAM), else
 * the size of its weights (a lower bound: the context's KV cache comes on top).
 */
export function residentMemoryBytes(model: Pick<LoadedModel, 'memory' | 'modelBytes'>): number {
  return model.memory ? model.memory.measured.ramBytes + model.memory.measured.vramBytes : model.modelBytes;
}
