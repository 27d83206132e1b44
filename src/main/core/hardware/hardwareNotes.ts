import type { GpuInfo, LlamaHardwareView } from '../../../shared/hardwareDto';
import { formatBytes } from '../../../shared/format';

/** Relative VRAM difference above which the two views are said to disagree. */
const VRAM_TOLERANCE = 0.1;

/** GPU makers llama.cpp has a backend for; the rest (ASPEED, Matrox, VM adapters) only drive a screen. */
const COMPUTE_VENDORS: Array<[name: string, pattern: RegExp]> = [
  ['NVIDIA', /nvidia|geforce|quadro|tesla/i],
  ['AMD', /\bamd\b|advanced micro|\bati\b|radeon/i],
  ['Intel', /intel/i],
  ['Apple', /apple/i],
  ['Qualcomm', /qualcomm|adreno/i],
];

/** `NVIDIA Corporation` → `NVIDIA`; null for display-only adapters. */
export function computeVendor(gpu: GpuInfo): string | null {
  const text = `${gpu.vendor} ${gpu.model}`;
  return COMPUTE_VENDORS.find(([, pattern]) => pattern.test(text))?.[0] ?? null;
}

const BACKEND_NAMES: Record<LlamaHardwareView['backend'], string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' };

/**
 * Where the OS and llama.cpp disagree, one line each. Decisions follow llama.cpp's view; these
 * lines explain to a person why, say, the 8 GB card they own is not used.
 */
export function hardwareNotes(gpus: GpuInfo[], llama: LlamaHardwareView | null): string[] {
  if (!llama) return []; // the engine could not be asked: `errors` says so, there is nothing to compare
  const notes: string[] = [];
  const computeGpus = gpus.filter((gpu) => computeVendor(gpu) !== null);
  const llamaOnGpu = llama.backend !== 'cpu' && (llama.gpuNames.length > 0 || llama.vram.totalBytes > 0);

  if (!llamaOnGpu) {
    for (const gpu of computeGpus) {
      const why = llama.backend === 'cpu' ? 'its build has no backend for' : `its ${BACKEND_NAMES[llama.backend]} backend finds no device for`;
      notes.push(`llama.cpp runs on the CPU here: ${why} the ${computeVendor(gpu)} GPU (${describe(gpu)})`);
    }
    return notes;
  }

  const seen = llama.gpuNames.length ? llama.gpuNames.join(', ') : 'a GPU';
  if (gpus.length === 0) {
    notes.push(`llama.cpp uses ${BACKEND_NAMES[llama.backend]} on ${seen}, but the OS reports no GPU`);
    return notes;
  }

  // Unified memory (Apple silicon) has no dedicated VRAM to compare: llama.cpp's figure is its window onto RAM.
  if (llama.unifiedBytes > 0) return notes;
  const relevant = (llama.backend === 'cuda' ? computeGpus.filter((gpu) => computeVendor(gpu) === 'NVIDIA') : computeGpus).filter(
    (gpu) => gpu.vramBytes !== null,
  );
  if (relevant.length === 0 || llama.vram.totalBytes <= 0) return notes;
  const osVram = relevant.reduce((sum, gpu) => sum + gpu.vramBytes!, 0);
  const larger = Math.max(osVram, llama.vram.totalBytes);
  if (Math.abs(osVram - llama.vram.totalBytes) > VRAM_TOLERANCE * larger) {
    notes.push(`VRAM differs: the OS reports ${formatBytes(osVram)}, llama.cpp (${BACKEND_NAMES[llama.backend]}) sees ${formatBytes(llama.vram.totalBytes)}`);
  }
  return notes;
}

function describe(gpu: GpuInfo): string {
  const name = gpu.model || gpu.vendor || 'unnamed';
  return gpu.vramBytes !== null ? `${name}, ${formatBytes(gpu.vramBytes)}` : name;
}
