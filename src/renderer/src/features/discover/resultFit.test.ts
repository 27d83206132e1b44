import { describe, expect, it } from 'vitest';
import type { HardwareSnapshot } from '../../../../shared/hardwareDto';
import { estimateResult } from './resultFit';

function machine(ramFreeGB: number, vramFreeGB = 0): HardwareSnapshot {
  return {
    takenAt: '2026-01-01T00:00:00.000Z',
    cpu: { model: 'x', physicalCores: 2, logicalCores: 2, simd: [] },
    ram: { totalBytes: 32e9, freeBytes: ramFreeGB * 1e9, swapTotalBytes: 0, swapFreeBytes: 0 },
    gpus: [],
    os: { platform: 'linux', distro: 'debian', release: '13', arch: 'x64' },
    llama: { backend: vramFreeGB > 0 ? 'cuda' : 'cpu', gpuNames: [], vram: { totalBytes: vramFreeGB * 1e9, usedBytes: 0, freeBytes: vramFreeGB * 1e9 }, unifiedBytes: 0, cpuMathCores: 2, binary: 'prebuilt' },
    notes: [],
    errors: [],
  };
}

describe('estimateResult', () => {
  it('guesses the Q4_K_M size from the parameter count', () => {
    expect(estimateResult(7.6e9, null)!.sizeBytes / 1e9).toBeCloseTo(4.6, 1);
    expect(estimateResult(undefined, null)).toBeNull();
    expect(estimateResult(0, null)).toBeNull();
  });

  it('says GPU, memory or too large against free memory, with room for the context', () => {
    expect(estimateResult(1.5e9, machine(8))!.fit).toBe('ram');
    expect(estimateResult(8e9, machine(4, 8))!.fit).toBe('gpu');
    expect(estimateResult(70e9, machine(16))!.fit).toBe('too-large');
    // 4.85 GB of weights need more than 5 GB with the context: refused at 5 GB free.
    expect(estimateResult(8e9, machine(5))!.fit).toBe('too-large');
  });
});
