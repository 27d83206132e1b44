import { describe, expect, it } from 'vitest';
import type { HardwareSnapshot } from '../../../shared/hardwareDto';
import { toFitHardware } from './fitService';

function snapshot(llama: HardwareSnapshot['llama']): HardwareSnapshot {
  return {
    takenAt: new Date(0).toISOString(),
    cpu: { model: 'x', physicalCores: 8, logicalCores: 16, simd: [] },
    ram: { totalBytes: 32e9, freeBytes: 20e9, swapTotalBytes: 0, swapFreeBytes: 0 },
    gpus: [],
    os: { platform: 'linux', distro: 'x', release: '1', arch: 'x64' },
    llama,
    notes: [],
    errors: [],
  };
}
const cuda = { backend: 'cuda' as const, gpuNames: ['GPU'], vram: { totalBytes: 8e9, usedBytes: 6e9, freeBytes: 2e9 }, unifiedBytes: 0, cpuMathCores: 8, binary: 'prebuilt' as const };

describe('toFitHardware', () => {
  it("decides with llama.cpp's view, and with the OS's RAM when the engine could not say", () => {
    expect(toFitHardware(snapshot(cuda))).toEqual({ gpu: true, vramTotalBytes: 8e9, vramFreeBytes: 2e9, unifiedBytes: 0, ramTotalBytes: 32e9, ramFreeBytes: 20e9 });
    expect(toFitHardware(snapshot(null))).toMatchObject({ gpu: false, vramTotalBytes: 0, ramFreeBytes: 20e9 });
  });

  it('counts what the loaded model would give back, within the totals', () => {
    const hardware = toFitHardware(snapshot(cuda), { reclaimable: { ramBytes: 4e9, vramBytes: 5e9 } });
    expect(hardware).toMatchObject({ vramFreeBytes: 7e9, ramFreeBytes: 24e9 });
    expect(toFitHardware(snapshot(cuda), { reclaimable: { ramBytes: 40e9, vramBytes: 40e9 } })).toMatchObject({ vramFreeBytes: 8e9, ramFreeBytes: 32e9 });
  });

  it("treats the user's memory limit as the machine's RAM", () => {
    expect(toFitHardware(snapshot(null), { memoryLimitBytes: 8e9, reclaimable: { ramBytes: 0, vramBytes: 0 } })).toMatchObject({ ramTotalBytes: 8e9, ramFreeBytes: 8e9 });
    expect(toFitHardware(snapshot(null), { memoryLimitBytes: 64e9, reclaimable: { ramBytes: 0, vramBytes: 0 } })).toMatchObject({ ramTotalBytes: 32e9, ramFreeBytes: 20e9 });
  });

  it('counts what the resident models hold against the limit, even when the OS reports it free (mapped weights)', () => {
    const none = { ramBytes: 0, vramBytes: 0 };
    expect(toFitHardware(snapshot(null), { memoryLimitBytes: 8e9, held: { ramBytes: 3e9, vramBytes: 0 }, reclaimable: none })).toMatchObject({ ramFreeBytes: 5e9 });
    // An idle model a load may replace gives its memory back.
    expect(toFitHardware(snapshot(null), { memoryLimitBytes: 8e9, held: { ramBytes: 3e9, vramBytes: 0 }, reclaimable: { ramBytes: 3e9, vramBytes: 0 } })).toMatchObject({ ramFreeBytes: 8e9 });
    // Without a limit the machine's RAM is the bound; held beyond what is free never goes negative.
    expect(toFitHardware(snapshot(null), { held: { ramBytes: 40e9, vramBytes: 0 }, reclaimable: none })).toMatchObject({ ramFreeBytes: 0 });
  });
});
