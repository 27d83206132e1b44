import { describe, expect, it } from 'vitest';
import type { FitEstimate, HardwareSnapshot, ModelFit } from '../../shared/hardwareDto';
import { formatFits, formatHardwareReport, formatSnapshot } from './formatHardware';

const GB = 1_000_000_000;

const SNAPSHOT: HardwareSnapshot = {
  takenAt: '2025-01-01T00:00:00.000Z',
  cpu: { model: 'Intel Core i7-12700H', physicalCores: 14, logicalCores: 20, simd: ['SSE3', 'AVX', 'AVX2', 'FMA', 'F16C'] },
  ram: { totalBytes: 32 * GB, freeBytes: 20.5 * GB, swapTotalBytes: 2 * GB, swapFreeBytes: 1.5 * GB },
  gpus: [
    { vendor: 'NVIDIA Corporation', model: 'NVIDIA GeForce RTX 4060', vramBytes: 8_589_934_592, driver: '550.54.14' },
    { vendor: 'Intel Corporation', model: 'UHD Graphics', vramBytes: null },
  ],
  os: { platform: 'linux', distro: 'Ubuntu', release: '24.04', arch: 'x64' },
  llama: { backend: 'cpu', gpuNames: [], vram: { totalBytes: 0, usedBytes: 0, freeBytes: 0 }, unifiedBytes: 0, cpuMathCores: 14, binary: 'prebuilt' },
  notes: ['llama.cpp runs on the CPU here: its build has no backend for the NVIDIA GPU (NVIDIA GeForce RTX 4060, 8.6 GB)'],
  errors: [],
};

function estimate(partial: Partial<FitEstimate>): FitEstimate {
  const split = { weightsBytes: 0, kvCacheBytes: 0, computeBytes: 0, totalBytes: 0 };
  return {
    label: 'cpu',
    contextSize: 8192,
    gpuLayers: 0,
    totalLayers: 33,
    vram: split,
    ram: split,
    headroom: { vramBytes: 0, ramBytes: 0 },
    safetyMarginBytes: GB,
    reason: '',
    ...partial,
  };
}

const FITS: ModelFit[] = [
  {
    modelId: 'bartowski/Llama-3.1-8B-GGUF/Llama-3.1-8B-Q4_K_M.gguf',
    estimate: estimate({
      label: 'full-gpu',
      gpuLayers: 33,
      vram: { weightsBytes: 4.9 * GB, kvCacheBytes: GB, computeBytes: 0.5 * GB, totalBytes: 6.4 * GB },
      ram: { weightsBytes: 0.3 * GB, kvCacheBytes: 0, computeBytes: 0, totalBytes: 0.3 * GB },
      reason: 'Q4_K_M: 4.9 GB weights + 1.5 GB context fits in 7.5 GB of free VRAM with 1.1 GB to spare',
    }),
    recommended: true,
    recommendation: 'Q4_K_M: the most precise quantization that fits fully in GPU memory',
    bitsPerWeight: 4.89,
  },
  {
    modelId: 'bartowski/Llama-3.1-8B-GGUF/Llama-3.1-8B-F16.gguf',
    estimate: estimate({
      label: 'partial-gpu',
      gpuLayers: 20,
      vram: { weightsBytes: 6 * GB, kvCacheBytes: 0, computeBytes: 0, totalBytes: 6.9 * GB },
      ram: { weightsBytes: 10 * GB, kvCacheBytes: 0, computeBytes: 0, totalBytes: 10.2 * GB },
      reason: 'F16: 20 of 33 layers fit',
    }),
    recommended: false,
    bitsPerWeight: 16,
  },
  { modelId: 'qwen-0.5b-q8_0.gguf', estimate: estimate({ label: 'cpu', contextSize: 4096, ram: { weightsBytes: 0, kvCacheBytes: 0, computeBytes: 0, totalBytes: 612_000_000 }, reason: 'fits in RAM' }), recommended: false, bitsPerWeight: 8.5 },
  { modelId: 'huge-70b.gguf', estimate: estimate({ label: 'too-large', gpuLayers: 0, totalLayers: 81, reason: 'needs 43.0 GB, but only 20.5 GB of RAM is free' }), recommended: false, bitsPerWeight: 4.8 },
  { modelId: 'odd.gguf', estimate: null, error: 'unknown architecture "mamba9"', recommended: false, bitsPerWeight: 0 },
];

describe('formatSnapshot', () => {
  it('prints one key a line with aligned values, sizes in decimal units', () => {
    expect(formatSnapshot(SNAPSHOT)).toBe(
      [
        'CPU        Intel Core i7-12700H',
        'Cores      14 physical, 20 logical',
        'SIMD       SSE3 AVX AVX2 FMA F16C',
        'RAM        20.5 GB free of 32.0 GB',
        'Swap       1.5 GB free of 2.0 GB',
        'OS         Ubuntu 24.04 (linux x64)',
        'GPUs       NVIDIA GeForce RTX 4060 (NVIDIA Corporation), 8.6 GB VRAM, driver 550.54.14',
        '           UHD Graphics (Intel Corporation), VRAM not reported',
        'llama.cpp  CPU only (no GPU backend), 14 CPU math threads, prebuilt binary',
        'Notes      llama.cpp runs on the CPU here: its build has no backend for the NVIDIA GPU (NVIDIA GeForce RTX 4060, 8.6 GB)',
        '',
      ].join('\n'),
    );
  });

  it('shows llama.cpp on a GPU with its VRAM, unified memory, a missing llama view and errors', () => {
    const metal = formatSnapshot({
      ...SNAPSHOT,
      gpus: [],
      ram: { ...SNAPSHOT.ram, swapTotalBytes: 0, swapFreeBytes: 0 },
      llama: { backend: 'metal', gpuNames: ['Apple M2'], vram: { totalBytes: 11 * GB, usedBytes: GB, freeBytes: 10 * GB }, unifiedBytes: 11 * GB, cpuMathCores: 1, binary: 'built here' },
      notes: [],
    });
    expect(metal).toContain('Swap       none\n');
    expect(metal).toContain('GPUs       none reported by the OS\n');
    expect(metal).toContain(
      'llama.cpp  Metal backend on Apple M2, 1 CPU math thread, binary built on this machine (hearth engine build)\n           VRAM 10.0 GB free of 11.0 GB (1.0 GB in use)\n           11.0 GB of it shared with RAM (unified memory)\n',
    );
    expect(metal).not.toContain('Notes');

    const broken = formatSnapshot({ ...SNAPSHOT, llama: null, notes: [], errors: ['llama.cpp view (engine): crashed', 'GPUs (systeminformation graphics): timed out'] });
    expect(broken).toContain('llama.cpp  not available (see Errors)\n');
    expect(broken).toContain('Errors     llama.cpp view (engine): crashed\n           GPUs (systeminformation graphics): timed out\n');
  });
});

describe('formatFits', () => {
  const report = { models: FITS, modelsDir: '/models', contextSize: 8192 };

  it('one row a model, in LM Studio’s words, columns aligned', () => {
    const lines = formatFits(report).trimEnd().split('\n');
    expect(lines[0]).toBe("Models in /models, for 8192 tokens of context (at most each model's trained length):");
    const [header, ...rows] = lines.slice(1);
    expect(header).toMatch(/^MODEL +FIT +GPU LAYERS +VRAM +RAM +CONTEXT +BITS\/W +DETAILS$/);
    expect(rows).toHaveLength(FITS.length);
    expect(rows[0]).toMatch(/^bartowski\/Llama-3.1-8B-GGUF\/Llama-3.1-8B-Q4_K_M\.gguf +Full GPU offload +33\/33 +6\.4 GB +300\.0 MB +8192 +4\.89 +Recommended: Q4_K_M: the most/);
    expect(rows[1]).toMatch(/ Partial GPU offload +20\/33 +6\.9 GB +10\.2 GB +8192 +16\.00 +F16: 20 of 33 layers fit$/);
    expect(rows[2]).toMatch(/^qwen-0\.5b-q8_0\.gguf +Fits in RAM \(CPU\) +0\/33 +- +612\.0 MB +4096 +8\.50 +fits in RAM$/);
    expect(rows[3]).toMatch(/ Too large +0\/81 +- +- +8192 +4\.80 +needs 43\.0 GB/);
    expect(rows[4]).toMatch(/^odd\.gguf +- +- +- +- +- +- +cannot estimate: unknown architecture "mamba9"$/);

    // Every column starts (left-aligned) or ends (right-aligned numbers) at the same place on every line.
    const fitStart = header!.indexOf('FIT');
    const detailsStart = header!.indexOf('DETAILS');
    const vramEnd = header!.indexOf('VRAM') + 'VRAM'.length;
    for (const row of rows) {
      expect(row[fitStart - 1]).toBe(' ');
      expect(row[fitStart]).not.toBe(' ');
      expect(row.slice(detailsStart - 2, detailsStart)).toBe('  ');
      expect(row[detailsStart]).not.toBe(' ');
      expect(row[vramEnd - 1]).not.toBe(' ');
      expect(row[vramEnd]).toBe(' ');
    }
  });

  it('says so when there are no models or the fits failed', () => {
    expect(formatFits({ ...report, models: [] })).toContain('\nNo readable models found.\n');
    expect(formatFits({ ...report, models: [], modelsError: 'not implemented' })).toContain('\nFits could not be estimated: not implemented\n');
  });

  it('the full report is the snapshot, a blank line, then the fits', () => {
    const text = formatHardwareReport({ hardware: SNAPSHOT, ...report });
    expect(text).toBe(`${formatSnapshot(SNAPSHOT)}\n${formatFits(report)}`);
  });
});
