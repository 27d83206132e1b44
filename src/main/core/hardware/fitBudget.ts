/**
 * How much memory a fit decision may use: free memory per pool minus a safety margin, and whether
 * a placement stays within it. Unified memory (Apple silicon, iGPUs) is one physical pool seen
 * through two windows: the GPU's working-set limit and system RAM. Bytes the GPU holds there also
 * leave RAM, so they are charged to both checks, but the two free figures are never added up.
 */
import type { LayerPlacement } from './fitMemory';

/** The memory a fit decision needs, in bytes (from a HardwareSnapshot's llama view, else the OS view). */
export interface FitHardware {
  /** False when llama.cpp has no GPU backend here (CPU build or no device). */
  gpu: boolean;
  vramTotalBytes: number;
  vramFreeBytes: number;
  /** VRAM shared with RAM (unified memory): counted once. */
  unifiedBytes: number;
  ramTotalBytes: number;
  ramFreeBytes: number;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * Memory kept free on purpose in a pool of `poolTotalBytes`: 10 % of the pool, at least 512 MiB
 * and at most 2 GiB.
 *
 * Why keep any: the estimate is a model of llama.cpp, not a measurement (compute buffers and
 * driver/runtime allocations such as the CUDA context vary by backend and version), and the OS,
 * the desktop and the user's other apps keep allocating after we decide. LM Studio's users report
 * both failure modes — "fits" then OOM, and refusals of models that would run — so the margin is
 * bounded on both sides: the 512 MiB floor covers the fixed costs that do not shrink with a small
 * GPU; the 10 % share follows what a bigger machine runs beside the model; the 2 GiB cap stops the
 * share from refusing models on 64–128 GB machines where the errors do not grow with the pool.
 * It is never below node-llama-cpp's own VRAM padding (min(8 %, 1.6 GiB)), so a layer count we
 * pick is one its load-time check accepts too.
 */
export function safetyMargin(poolTotalBytes: number): number {
  return Math.round(Math.max(512 * MIB, Math.min(0.1 * poolTotalBytes, 2 * GIB)));
}

/** Free memory and margins, after cleaning up what the hardware probe reported. */
export interface Budget {
  /** False when no GPU can take layers (no backend, or it reports no VRAM). */
  gpuUsable: boolean;
  /** True when a GPU backend exists but reports 0 VRAM (said in the reason). */
  gpuReportsNoVram: boolean;
  vramFreeBytes: number;
  vramMarginBytes: number;
  ramFreeBytes: number;
  ramMarginBytes: number;
  /** Share (0–1) of VRAM that is the same memory as RAM. */
  unifiedShare: number;
}

/** Non-finite or negative numbers from a probe count as 0. */
function bytesOrZero(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

export function budgetOf(hardware: FitHardware): Budget {
  const vramTotal = bytesOrZero(hardware.vramTotalBytes);
  const ramTotal = bytesOrZero(hardware.ramTotalBytes);
  const gpuUsable = hardware.gpu && vramTotal > 0;
  return {
    gpuUsable,
    gpuReportsNoVram: hardware.gpu && vramTotal === 0,
    vramFreeBytes: gpuUsable ? Math.min(bytesOrZero(hardware.vramFreeBytes), vramTotal) : 0,
    vramMarginBytes: gpuUsable ? safetyMargin(vramTotal) : 0,
    ramFreeBytes: bytesOrZero(hardware.ramFreeBytes),
    ramMarginBytes: safetyMargin(ramTotal),
    unifiedShare: gpuUsable ? Math.min(1, bytesOrZero(hardware.unifiedBytes) / vramTotal) : 0,
  };
}

/** VRAM the placement may use: free VRAM minus its margin (never negative). */
export function vramBudget(budget: Budget): number {
  return Math.max(0, budget.vramFreeBytes - budget.vramMarginBytes);
}

/** Whether a placement fits, and what each pool has left after it (negative: missing). */
export interface FitCheck {
  vramOk: boolean;
  ramOk: boolean;
  /** RAM the placement takes, including the unified share of its VRAM, in bytes. */
  ramNeededBytes: number;
  headroom: { vramBytes: number; ramBytes: number };
}

export function checkFit(budget: Budget, placement: LayerPlacement): FitCheck {
  const vramUsed = placement.vram.totalBytes;
  const ramNeededBytes = placement.ram.totalBytes + vramUsed * budget.unifiedShare;
  return {
    // Nothing on the GPU needs no VRAM, even when the GPU has less free than its margin.
    vramOk: vramUsed === 0 || vramUsed <= vramBudget(budget),
    ramOk: ramNeededBytes <= budget.ramFreeBytes - budget.ramMarginBytes,
    ramNeededBytes,
    headroom: {
      vramBytes: Math.round(budget.vramFreeBytes - vramUsed),
      ramBytes: Math.round(budget.ramFreeBytes - ramNeededBytes),
    },
  };
}
