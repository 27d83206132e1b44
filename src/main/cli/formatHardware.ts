import type { HardwareSnapshot, LlamaHardwareView, ModelFit } from '../../shared/hardwareDto';
import { fitLabelText, formatBytes } from '../../shared/format';

/** What `hearth hardware` prints: the machine, then how each local model would run on it. */
export interface HardwareReport {
  hardware: HardwareSnapshot;
  models: ModelFit[];
  /** Why the fits could not be estimated; the hardware part is still printed. */
  modelsError?: string;
  modelsDir: string;
  /** Context the fits were asked for, in tokens (each model caps it at its trained length). */
  contextSize: number;
}

const KEY_WIDTH = 'llama.cpp'.length + 2;

/** Plain-text report for `hearth hardware`: `key  value` lines, then a table of model fits. */
export function formatHardwareReport(report: HardwareReport): string {
  return `${formatSnapshot(report.hardware)}\n${formatFits(report)}`;
}

export function formatSnapshot(s: HardwareSnapshot): string {
  const lines: string[] = [];
  const add = (key: string, values: string[]) => {
    values.forEach((value, i) => lines.push(`${(i === 0 ? key : '').padEnd(KEY_WIDTH)}${value}`.trimEnd()));
  };
  add('CPU', [s.cpu.model]);
  add('Cores', [`${s.cpu.physicalCores} physical, ${s.cpu.logicalCores} logical`]);
  add('SIMD', [s.cpu.simd.length ? s.cpu.simd.join(' ') : 'none reported']);
  add('RAM', [`${formatBytes(s.ram.freeBytes)} free of ${formatBytes(s.ram.totalBytes)}`]);
  add('Swap', [s.ram.swapTotalBytes > 0 ? `${formatBytes(s.ram.swapFreeBytes)} free of ${formatBytes(s.ram.swapTotalBytes)}` : 'none']);
  add('OS', [[`${s.os.distro} ${s.os.release}`.trim(), `(${s.os.platform} ${s.os.arch})`].filter(Boolean).join(' ')]);
  add('GPUs', s.gpus.length ? s.gpus.map(formatGpu) : ['none reported by the OS']);
  add('llama.cpp', formatLlama(s.llama));
  if (s.notes.length) add('Notes', s.notes);
  if (s.errors.length) add('Errors', s.errors);
  return `${lines.join('\n')}\n`;
}

function formatGpu(gpu: HardwareSnapshot['gpus'][number]): string {
  const name = gpu.model && gpu.vendor && !gpu.model.startsWith(gpu.vendor) ? `${gpu.model} (${gpu.vendor})` : gpu.model || gpu.vendor || 'unnamed GPU';
  const vram = gpu.vramBytes !== null ? `${formatBytes(gpu.vramBytes)} VRAM` : 'VRAM not reported';
  return [name, vram, gpu.driver ? `driver ${gpu.driver}` : ''].filter(Boolean).join(', ');
}

const BACKEND_NAMES: Record<LlamaHardwareView['backend'], string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' };

const BINARY_NAMES: Record<LlamaHardwareView['binary'], string> = { prebuilt: 'prebuilt binary', 'built here': 'binary built on this machine (hearth engine build)' };

function formatLlama(llama: LlamaHardwareView | null): string[] {
  if (!llama) return ['not available (see Errors)'];
  const threads = `${llama.cpuMathCores} CPU math thread${llama.cpuMathCores === 1 ? '' : 's'}, ${BINARY_NAMES[llama.binary]}`;
  if (llama.backend === 'cpu') return [`CPU only (no GPU backend), ${threads}`];
  const lines = [`${BACKEND_NAMES[llama.backend]} backend${llama.gpuNames.length ? ` on ${llama.gpuNames.join(', ')}` : ', no GPU found'}, ${threads}`];
  const { totalBytes, usedBytes, freeBytes } = llama.vram;
  lines.push(`VRAM ${formatBytes(freeBytes)} free of ${formatBytes(totalBytes)} (${formatBytes(usedBytes)} in use)`);
  if (llama.unifiedBytes > 0) lines.push(`${formatBytes(llama.unifiedBytes)} of it shared with RAM (unified memory)`);
  return lines;
}

export function formatFits(report: Pick<HardwareReport, 'models' | 'modelsError' | 'modelsDir' | 'contextSize'>): string {
  const title = `Models in ${report.modelsDir}, for ${report.contextSize} tokens of context (at most each model's trained length):`;
  if (report.modelsError !== undefined) return `${title}\nFits could not be estimated: ${report.modelsError}\n`;
  if (report.models.length === 0) return `${title}\nNo readable models found.\n`;
  const header = ['MODEL', 'FIT', 'GPU LAYERS', 'VRAM', 'RAM', 'CONTEXT', 'BITS/W', 'DETAILS'];
  const rows = report.models.map((fit) => {
    const e = fit.estimate;
    const bits = fit.bitsPerWeight > 0 ? fit.bitsPerWeight.toFixed(2) : '-';
    if (!e) return [fit.modelId, '-', '-', '-', '-', '-', bits, `cannot estimate: ${fit.error ?? 'unknown reason'}`];
    const details = fit.recommended ? `Recommended: ${fit.recommendation ?? e.reason}` : e.reason;
    return [fit.modelId, fitLabelText[e.label], `${e.gpuLayers}/${e.totalLayers}`, bytesOrDash(e.vram.totalBytes), bytesOrDash(e.ram.totalBytes), String(e.contextSize), bits, details];
  });
  return `${title}\n${table(header, rows, new Set([2, 3, 4, 5, 6]))}`;
}

function bytesOrDash(bytes: number): string {
  return bytes > 0 ? formatBytes(bytes) : '-';
}

/** Columns two spaces apart; `right` columns (numbers) right-aligned; the last column unpadded. */
function table(header: string[], rows: string[][], right: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
