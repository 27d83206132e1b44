import { create } from 'zustand';
import type { GpuInfo, HardwareSnapshot, LlamaHardwareView } from '../../../../shared/hardwareDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

interface HardwareState {
  /** Null until the first snapshot arrives. */
  snapshot: HardwareSnapshot | null;
  /** A read is in flight. */
  loading: boolean;
  /** The last read failed (the previous snapshot, if any, is kept and still shown). */
  error: string | null;
  /** Reads the snapshot; `refresh` makes the server read the slow parts (GPU list, CPU) again. */
  fetch(options?: { refresh?: boolean }): Promise<void>;
}

/** Counts reads so a slow, older answer never overwrites a newer one. */
let generation = 0;

/** This machine as the OS and llama.cpp see it, for `#/hardware`. */
export const useHardwareStore = create<HardwareState>()((set) => ({
  snapshot: null,
  loading: false,
  error: null,
  async fetch({ refresh = false } = {}) {
    const mine = ++generation;
    set({ loading: true });
    try {
      const snapshot = await api.hardware.getSnapshot(refresh ? { refresh: true } : {});
      if (mine === generation) set({ snapshot, loading: false, error: null });
    } catch (error) {
      if (mine === generation) set({ loading: false, error: errorMessage(error) });
    }
  },
}));

/** One memory pool as a bar shows it: bytes used, free and total, and the used share in whole %. */
export interface MeterValues {
  usedBytes: number;
  freeBytes: number;
  totalBytes: number;
  percent: number;
}

/**
 * Bar values of a pool from its total and free bytes. Free is clamped to [0, total] (the OS and
 * llama.cpp sometimes report free memory a little above the total), so used never goes negative.
 */
export function meterValues(totalBytes: number, freeBytes: number): MeterValues {
  const total = Number.isFinite(totalBytes) && totalBytes > 0 ? totalBytes : 0;
  const free = Number.isFinite(freeBytes) ? Math.min(total, Math.max(0, freeBytes)) : 0;
  const used = total - free;
  return { usedBytes: used, freeBytes: free, totalBytes: total, percent: total > 0 ? Math.round((used / total) * 100) : 0 };
}

/** Bytes as GB with one decimal, without the unit: `6_234_000_000` → `"6.2"`. */
export function toGB(bytes: number): string {
  return (bytes / 1e9).toFixed(1);
}

/** What a memory bar says, in GB: `{ used: "6.2 / 24.0 GB used", free: "17.8 GB free" }`. */
export function meterText(values: MeterValues): { used: string; free: string } {
  return { used: `${toGB(values.usedBytes)} / ${toGB(values.totalBytes)} GB used`, free: `${toGB(values.freeBytes)} GB free` };
}

/**
 * GPUs the way the list shows them: most VRAM first (the card that computes, not the display
 * adapter on the mainboard), GPUs whose VRAM is unknown last, otherwise in the OS's order.
 */
export function sortGpus(gpus: GpuInfo[]): GpuInfo[] {
  return gpus
    .map((gpu, index) => ({ gpu, index }))
    .sort((a, b) => (b.gpu.vramBytes ?? -1) - (a.gpu.vramBytes ?? -1) || a.index - b.index)
    .map(({ gpu }) => gpu);
}

const BACKEND_NAMES: Record<LlamaHardwareView['backend'], string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' };

/** `cuda` → `CUDA`: the backend the way its makers write it. */
export function backendName(backend: LlamaHardwareView['backend']): string {
  return BACKEND_NAMES[backend] ?? backend;
}

/** `"Ubuntu 24.04 · linux x64"`: the OS in one line, leaving out what it does not say. */
export function osLine(os: HardwareSnapshot['os']): string {
  const name = [os.distro, os.release].filter(Boolean).join(' ');
  const platform = [os.platform, os.arch].filter(Boolean).join(' ');
  return [name, platform].filter(Boolean).join(' · ') || 'unknown';
}
