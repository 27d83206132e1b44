/**
 * The one-line reasons shown beside fit labels and the Recommended tag. They name the numbers
 * the decision used, in decimal units (src/shared/format.ts), so a user can check them.
 * "Context" is everything a context adds: its KV cache plus compute buffers.
 */
import type { FitEstimate } from '../../../shared/dto';
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

/** Why this file is the Recommended one of its model. */
export function recommendationReason(quantization: string, e: Sized): string {
  const lead = `${quantization}: the most precise quantization that`;
  switch (e.label) {
    case 'full-gpu':
      return (
        `${lead} fits fully in GPU memory (${sizes(e)} in ${formatBytes(e.vram.totalBytes + e.headroom.vramBytes)} of free VRAM, ` +
        `${formatBytes(e.headroom.vramBytes)} to spare)`
      );
    case 'partial-gpu':
      return `${lead} fits, with ${e.gpuLayers} of ${e.totalLayers} layers on the GPU (${sizes(e)}, ${formatBytes(e.headroom.ramBytes)} of RAM to spare)`;
    case 'cpu':
      return (
        `${lead} fits in RAM (${sizes(e)} in ${formatBytes(e.ram.totalBytes + e.headroom.ramBytes)} of free RAM, ` +
        `${formatBytes(e.headroom.ramBytes)} to spare)`
      );
    case 'too-large':
      return `${quantization}: does not fit`;
  }
}
