/**
 * The one-line reasons shown beside fit labels and the Recommended tag. They name the numbers
 * the decision used, in decimal units (src/shared/format.ts), so a user can check them.
 * "Context" is everything a context adds: its KV cache plus compute buffers.
 */
import type { FileTradeoff, QualityLoss, RecommendPreference } from '../../../shared/benchDto';
import type { FitEstimate } from '../../../shared/hardwareDto';
import { formatBytes } from '../../../shared/format';
import type { Budget, FitCheck } from './fitBudget';

type Sized = Pick<FitEstimate, 'label' | 'gpuLayers' | 'totalLayers' | 'vram' | 'ram' | 'headroom'>;

function weightsBytes(e: Sized): number {
  return e.vram.weightsBytes + e.ram.weightsBytes;
}

function contextBytes(e: Sized): number {
  return e.vram.kvCacheBytes + e.vram.computeBytes + e.ram.kvCacheBytes + e.ram.computeBytes;
}

/** "4.9 GB weights + 1.9 GB context". */
function sizes(e: Sized): string {
  return `${formatBytes(weightsBytes(e))} weights + ${formatBytes(contextBytes(e))} context`;
}

/** Why the estimate got its label. */
export function fitReason(quantization: string, e: Sized, check: FitCheck, budget: Budget): string {
  const vramName = budget.unifiedShare > 0 ? 'unified memory' : 'VRAM';
  const vramFree = formatBytes(budget.vramFreeBytes);
  const ramFree = formatBytes(budget.ramFreeBytes);
  switch (e.label) {
    case 'full-gpu':
      return `${quantization}: ${sizes(e)} fits in ${vramFree} of free ${vramName} with ${formatBytes(e.headroom.vramBytes)} to spare`;
    case 'partial-gpu':
      return (
        `${quantization}: ${e.gpuLayers} of ${e.totalLayers} layers fit in ${vramFree} of free ${vramName}; ` +
        `the other ${formatBytes(e.ram.totalBytes)} runs from RAM with ${formatBytes(e.headroom.ramBytes)} to spare`
      );
    case 'cpu':
      return `${quantization}: ${sizes(e)} fits in ${ramFree} of free RAM with ${formatBytes(e.headroom.ramBytes)} to spare${cpuNote(budget)}`;
    case 'too-large':
      return `${quantization}: ${tooLarge(e, check, budget)}`;
  }
}

/** Why a GPU that exists took no layers. */
function cpuNote(budget: Budget): string {
  if (budget.gpuReportsNoVram) return ' (the GPU reports no VRAM, so this is for the CPU)';
  if (budget.gpuUsable) return ` (not one layer fits in the GPU's ${formatBytes(budget.vramFreeBytes)} of free VRAM)`;
  return '';
}

function tooLarge(e: Sized, check: FitCheck, budget: Budget): string {
  if (!check.vramOk) {
    const need = `${e.gpuLayers} of ${e.totalLayers} layers on the GPU need ${formatBytes(e.vram.totalBytes)}`;
    return shortOf(need, e.vram.totalBytes, budget.vramFreeBytes, budget.vramMarginBytes, 'VRAM');
  }
  const pool = budget.unifiedShare > 0 ? 'memory' : 'RAM';
  const besides = e.vram.totalBytes > 0 && budget.unifiedShare === 0 ? ` besides ${formatBytes(e.vram.totalBytes)} in VRAM` : '';
  return shortOf(`needs ${formatBytes(check.ramNeededBytes)}${besides}`, check.ramNeededBytes, budget.ramFreeBytes, budget.ramMarginBytes, pool);
}

/** "needs 41.2 GB but only 15.1 GB of RAM is free", or says that the margin is what it eats into. */
function shortOf(need: string, neededBytes: number, freeBytes: number, marginBytes: number, pool: string): string {
  if (neededBytes > freeBytes) return `${need}, but only ${formatBytes(freeBytes)} of ${pool} is free`;
  return `${need}; ${formatBytes(freeBytes)} of ${pool} is free, but ${formatBytes(marginBytes)} of it is kept as a safety margin`;
}

/**
 * Why this file is the Recommended one of its model, saying all three sides: "Q4_K_M — fits in
 * RAM (5.1 GB of 16.0 GB free), about 14 tok/s here, about 3 % quality loss vs F16".
 */
export function recommendationReason(quantization: string, e: Sized, tradeoff: FileTradeoff, preference: RecommendPreference): string {
  const why = preference === 'quality' ? '; the most precise file that fits' : preference === 'speed' ? `; the fastest with under ${SPEED_LIMIT_TEXT} quality loss` : '';
  return `${quantization} — ${fitPart(e)}, ${speedText(tradeoff)}, ${qualityText(tradeoff.quality)}${why}`;
}

const SPEED_LIMIT_TEXT = '10 %';

function fitPart(e: Sized): string {
  switch (e.label) {
    case 'full-gpu':
      return `fits in VRAM (${formatBytes(e.vram.totalBytes)} of ${formatBytes(e.vram.totalBytes + e.headroom.vramBytes)} free)`;
    case 'partial-gpu':
      return `fits with ${e.gpuLayers} of ${e.totalLayers} layers on the GPU (${formatBytes(e.vram.totalBytes)} VRAM + ${formatBytes(e.ram.totalBytes)} RAM)`;
    case 'cpu':
      return `fits in RAM (${formatBytes(e.ram.totalBytes)} of ${formatBytes(e.ram.totalBytes + e.headroom.ramBytes)} free)`;
    case 'too-large':
      return 'does not fit';
  }
}

/** "about 14 tok/s here", or that it is an estimate when this machine was never benchmarked. */
export function speedText(tradeoff: Pick<FileTradeoff, 'tokensPerSecond' | 'speedSource'>): string {
  const speed = `about ${formatTokensPerSecond(tradeoff.tokensPerSecond)} tok/s`;
  return tradeoff.speedSource === 'measured' ? `${speed} here` : `${speed} (estimated; benchmark this machine to measure)`;
}

/** Two significant figures at most: 143 → "140", 14.2 → "14", 3.46 → "3.5". */
export function formatTokensPerSecond(value: number): string {
  if (!(value > 0)) return '–';
  if (value >= 10) return String(Number(value.toPrecision(2)));
  return value.toFixed(1);
}

/** "about 3 % quality loss vs F16", "no quality loss (full precision)", or that it is unknown. */
export function qualityText(quality: QualityLoss | null): string {
  if (!quality) return 'quality loss unknown';
  if (quality.percent === 0 && quality.source !== 'measured') return 'no quality loss (full precision)';
  const amount = quality.percent < 0.1 ? 'under 0.1 %' : quality.percent < 1 ? `${quality.percent.toFixed(1)} %` : `${Math.round(quality.percent)} %`;
  if (quality.source === 'measured') return `${amount} quality loss vs F16, measured`;
  return `about ${amount} quality loss vs F16${quality.source === 'estimated' ? ' (estimated from bits per weight)' : ''}`;
}
