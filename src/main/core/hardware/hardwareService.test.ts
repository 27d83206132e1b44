import { describe, expect, it } from 'vitest';
import type { LlamaHardwareView } from '../../../shared/hardwareDto';
import { silentLogger } from '../logging/logger';
import { hardwareNotes } from './hardwareNotes';
import { HardwareService } from './hardwareService';
import { simdFlags, toGpuInfo, type SystemInfoSource } from './systemInfo';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

const LINUX_X86_FLAGS = 'fpu vme sse sse2 pni ssse3 fma sse4_1 sse4_2 avx f16c bmi2 avx2 avx512f avx512dq avx512bw avx512_vnni';

type Calls = Record<keyof SystemInfoSource, number>;

/** A desktop with an 8 GB NVIDIA card, 32 GB RAM; each call can be replaced. */
function fakeMachine(overrides: Partial<SystemInfoSource> = {}): { source: SystemInfoSource; calls: Calls } {
  const calls: Calls = { cpu: 0, cpuFlags: 0, mem: 0, graphics: 0, osInfo: 0 };
  const base: SystemInfoSource = {
    cpu: async () => ({ manufacturer: 'Intel', brand: 'Core™ i7-12700H', physicalCores: 14, cores: 20 }),
    cpuFlags: async () => LINUX_X86_FLAGS,
    mem: async () => ({ total: 32 * GIB, available: 20 * GIB, swaptotal: 2 * GIB, swapfree: GIB }),
    graphics: async () => ({
      controllers: [{ vendor: 'NVIDIA Corporation', model: 'NVIDIA GeForce RTX 4060', vram: 8192, vramDynamic: false, driverVersion: '550.54.14' }],
    }),
    osInfo: async () => ({ platform: 'linux', distro: 'Ubuntu', release: '24.04', arch: 'x64' }),
  };
  const source = {} as SystemInfoSource;
  for (const key of Object.keys(base) as Array<keyof SystemInfoSource>) {
    const call = (overrides[key] ?? base[key]) as () => Promise<unknown>;
    (source as unknown as Record<string, () => Promise<unknown>>)[key] = () => {
      calls[key]++;
      return call();
    };
  }
  return { source, calls };
}

const CPU_VIEW: LlamaHardwareView = {
  backend: 'cpu',
  gpuNames: [],
  vram: { totalBytes: 0, usedBytes: 0, freeBytes: 0 },
  unifiedBytes: 0,
  cpuMathCores: 14,
  binary: 'prebuilt',
};

function cudaView(totalBytes: number): LlamaHardwareView {
  return { backend: 'cuda', gpuNames: ['NVIDIA GeForce RTX 4060'], vram: { totalBytes, usedBytes: GIB, freeBytes: totalBytes - GIB }, unifiedBytes: 0, cpuMathCores: 14, binary: 'prebuilt' };
}

function service(source: SystemInfoSource, llamaView: () => Promise<LlamaHardwareView> = async () => CPU_VIEW, extra = {}) {
  return new HardwareService({ source, llamaView, logger: silentLogger, ...extra });
}

describe('HardwareService on simulated machines', () => {
  it('NVIDIA 8 GB with a CPU-only llama.cpp build: both views, and a note saying why the GPU is idle', async () => {
    const { source } = fakeMachine();
    const snapshot = await service(source).getSnapshot();
    expect(snapshot.cpu).toEqual({
      model: 'Intel Core™ i7-12700H',
      physicalCores: 14,
      logicalCores: 20,
      simd: ['SSE3', 'SSSE3', 'SSE4.2', 'AVX', 'AVX2', 'F16C', 'FMA', 'BMI2', 'AVX512', 'AVX512_VNNI'],
    });
    expect(snapshot.ram).toEqual({ totalBytes: 32 * GIB, freeBytes: 20 * GIB, swapTotalBytes: 2 * GIB, swapFreeBytes: GIB });
    expect(snapshot.gpus).toEqual([{ vendor: 'NVIDIA Corporation', model: 'NVIDIA GeForce RTX 4060', vramBytes: 8 * GIB, driver: '550.54.14' }]);
    expect(snapshot.os).toEqual({ platform: 'linux', distro: 'Ubuntu', release: '24.04', arch: 'x64' });
    expect(snapshot.llama).toEqual(CPU_VIEW);
    expect(snapshot.notes).toEqual(['llama.cpp runs on the CPU here: its build has no backend for the NVIDIA GPU (NVIDIA GeForce RTX 4060, 8.6 GB)']);
    expect(snapshot.errors).toEqual([]);
    expect(Date.parse(snapshot.takenAt)).not.toBeNaN();
  });

  it('a GPU reporting 0 VRAM (or none, or shared memory) has vramBytes null', async () => {
    const { source } = fakeMachine({
      graphics: async () => ({
        controllers: [
          { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Radeon 780M', vram: 0 },
          { vendor: 'Intel Corporation', model: 'UHD Graphics', vram: 512, vramDynamic: true },
          { vendor: 'ASPEED Technology, Inc.', model: 'ASPEED Graphics Family' },
        ],
      }),
    });
    const snapshot = await service(source).getSnapshot();
    expect(snapshot.gpus.map((gpu) => gpu.vramBytes)).toEqual([null, null, null]);
    expect(snapshot.gpus[0]).not.toHaveProperty('driver');
    // Display-only adapters (BMC, VM) get no "runs on the CPU" note; compute GPUs do.
    expect(snapshot.notes).toHaveLength(2);
    expect(snapshot.notes[0]).toContain('the AMD GPU (Radeon 780M)');
    expect(snapshot.notes[1]).toContain('the Intel GPU (UHD Graphics)');
  });

  it('systeminformation throwing everywhere: still a snapshot, with safe defaults and one error line per part', async () => {
    const fail = () => {
      throw new Error('spawn lscpu ENOENT');
    };
    const { source } = fakeMachine({ cpu: fail, cpuFlags: fail, mem: async () => Promise.reject(new Error('EACCES /proc/meminfo')), graphics: fail, osInfo: fail });
    const snapshot = await service(source).getSnapshot();
    expect(snapshot.errors).toHaveLength(5);
    expect(snapshot.errors.join('\n')).toMatch(/CPU \(systeminformation cpu\): spawn lscpu ENOENT/);
    expect(snapshot.errors.join('\n')).toMatch(/RAM \(systeminformation mem\): EACCES/);
    expect(snapshot.cpu.logicalCores).toBeGreaterThanOrEqual(1);
    expect(snapshot.cpu.physicalCores).toBeGreaterThanOrEqual(1);
    expect(snapshot.cpu.model.length).toBeGreaterThan(0);
    expect(snapshot.ram.totalBytes).toBeGreaterThan(0); // from node:os
    expect(snapshot.ram.freeBytes).toBeLessThanOrEqual(snapshot.ram.totalBytes);
    expect(snapshot.ram.swapTotalBytes).toBe(0);
    expect(snapshot.gpus).toEqual([]);
    expect(snapshot.os.platform).toBe(process.platform);
    expect(snapshot.llama).toEqual(CPU_VIEW);
  });

  it('graphics() hanging past the timeout: the rest of the snapshot arrives, GPUs empty with an error line', async () => {
    const { source } = fakeMachine({ graphics: () => new Promise(() => {}) });
    const started = performance.now();
    const snapshot = await service(source, undefined, { timeoutMs: 100 }).getSnapshot();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(snapshot.gpus).toEqual([]);
    expect(snapshot.errors).toEqual(['GPUs (systeminformation graphics): GPUs (systeminformation graphics) did not answer within 100 ms']);
    expect(snapshot.cpu.logicalCores).toBe(20);
    expect(snapshot.ram.totalBytes).toBe(32 * GIB);
  });

  it('llamaView throwing: llama is null, an error says why, and the engine is not asked again on every call', async () => {
    const { source } = fakeMachine();
    let asked = 0;
    const hardware = service(source, async () => {
      asked++;
      throw new Error('The engine process crashed (SIGSEGV)');
    });
    const first = await hardware.getSnapshot();
    expect(first.llama).toBeNull();
    expect(first.errors).toEqual(['llama.cpp view (engine): The engine process crashed (SIGSEGV)']);
    expect(first.notes).toEqual([]); // nothing to compare with
    expect(first.gpus).toHaveLength(1);
    const second = await hardware.getSnapshot();
    expect(second.errors).toEqual(first.errors);
    expect(asked).toBe(1);
    await hardware.getSnapshot({ refresh: true });
    expect(asked).toBe(2);
  });

  it('a hanging llama view is bounded too', async () => {
    const { source } = fakeMachine();
    const snapshot = await service(source, () => new Promise(() => {}), { llamaTimeoutMs: 100 }).getSnapshot();
    expect(snapshot.llama).toBeNull();
    expect(snapshot.errors).toEqual(['llama.cpp view (engine): the engine process did not answer within 100 ms']);
  });
});

describe('HardwareService caching', () => {
  it('reads CPU, flags, GPUs and OS once until refresh; RAM and the llama view on every call', async () => {
    const { source, calls } = fakeMachine();
    let free = 20 * GIB;
    source.mem = async () => ({ total: 32 * GIB, available: free, swaptotal: 0, swapfree: 0 });
    let asked = 0;
    const hardware = service(source, async () => {
      asked++;
      return CPU_VIEW;
    });
    const first = await hardware.getSnapshot();
    free = 10 * GIB;
    const second = await hardware.getSnapshot();
    expect(second.ram.freeBytes).toBe(10 * GIB);
    expect(second.takenAt).toBe(first.takenAt);
    expect(calls).toMatchObject({ cpu: 1, cpuFlags: 1, graphics: 1, osInfo: 1 });
    expect(asked).toBe(2);
    await hardware.getSnapshot({ refresh: true });
    expect(calls).toMatchObject({ cpu: 2, cpuFlags: 2, graphics: 2, osInfo: 2 });
  });

  it('concurrent calls share one read', async () => {
    const { source, calls } = fakeMachine();
    let asked = 0;
    const hardware = service(source, async () => {
      asked++;
      return CPU_VIEW;
    });
    const snapshots = await Promise.all([hardware.getSnapshot(), hardware.getSnapshot(), hardware.getSnapshot({ refresh: true })]);
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
    expect(calls).toEqual({ cpu: 1, cpuFlags: 1, mem: 1, graphics: 1, osInfo: 1 });
    expect(asked).toBe(1);
  });

  it('a refresh during a cached read starts a full read of its own', async () => {
    const { source, calls } = fakeMachine();
    const hardware = service(source);
    await hardware.getSnapshot();
    const cached = hardware.getSnapshot();
    const refreshed = hardware.getSnapshot({ refresh: true });
    await Promise.all([cached, refreshed]);
    expect(calls.graphics).toBe(2);
  });

  it('hands out copies: changing one snapshot does not change the next', async () => {
    const { source } = fakeMachine();
    const hardware = service(source);
    const first = await hardware.getSnapshot();
    first.gpus.pop();
    first.cpu.simd.push('MADE_UP');
    const second = await hardware.getSnapshot();
    expect(second.gpus).toHaveLength(1);
    expect(second.cpu.simd).not.toContain('MADE_UP');
  });
});

describe('notes: where the OS and llama.cpp disagree', () => {
  const nvidia = toGpuInfo({ vendor: 'NVIDIA Corporation', model: 'NVIDIA GeForce RTX 4060', vram: 8192 });

  it('says nothing when the VRAM totals agree within 10 %', () => {
    expect(hardwareNotes([nvidia], cudaView(8 * GIB - 300 * MIB))).toEqual([]);
  });

  it('one line when the VRAM totals differ by more than 10 %', () => {
    expect(hardwareNotes([nvidia], cudaView(6 * GIB))).toEqual(['VRAM differs: the OS reports 8.6 GB, llama.cpp (CUDA) sees 6.4 GB']);
  });

  it('one line when llama.cpp uses a GPU the OS does not list (e.g. a container without lspci)', () => {
    expect(hardwareNotes([], cudaView(8 * GIB))).toEqual(['llama.cpp uses CUDA on NVIDIA GeForce RTX 4060, but the OS reports no GPU']);
  });

  it('a GPU build that finds no device says so', () => {
    const vulkanNoDevice: LlamaHardwareView = { ...CPU_VIEW, backend: 'vulkan' };
    expect(hardwareNotes([nvidia], vulkanNoDevice)).toEqual([
      'llama.cpp runs on the CPU here: its Vulkan backend finds no device for the NVIDIA GPU (NVIDIA GeForce RTX 4060, 8.6 GB)',
    ]);
  });

  it('unified memory (Apple silicon) is not compared with dedicated VRAM', () => {
    const apple = toGpuInfo({ vendor: 'Apple', model: 'Apple M2', vram: 16384, vramDynamic: true });
    const metal: LlamaHardwareView = { backend: 'metal', gpuNames: ['Apple M2'], vram: { totalBytes: 11 * GIB, usedBytes: 0, freeBytes: 11 * GIB }, unifiedBytes: 11 * GIB, cpuMathCores: 8, binary: 'prebuilt' };
    expect(hardwareNotes([apple], metal)).toEqual([]);
  });
});

describe('simdFlags', () => {
  it('maps ARM Linux flags to llama.cpp names', () => {
    expect(simdFlags('fp asimd evtstrm aes pmull sha1 crc32 atomics fphp asimdhp asimddp i8mm sve', 'arm64')).toEqual([
      'NEON',
      'FP16_VA',
      'DOTPROD',
      'SVE',
      'MATMUL_INT8',
    ]);
  });

  it('lists NEON on 64-bit ARM even when the OS lists no flags (Apple silicon)', () => {
    expect(simdFlags('', 'arm64')).toEqual(['NEON']);
  });

  it('reads macOS names (sse4.2, avx1.0) and lists AVX512 once for any avx512 flag', () => {
    expect(simdFlags('FPU SSE3 SSSE3 FMA SSE4.2 AVX1.0 F16C', 'x64')).toEqual(['SSE3', 'SSSE3', 'SSE4.2', 'AVX', 'F16C', 'FMA']);
    expect(simdFlags('avx512f avx512cd avx512bw avx512vl', 'x64')).toEqual(['AVX512']);
  });
});

describe('HardwareService on this machine (real systeminformation)', () => {
  it('reports sane numbers', async () => {
    const hardware = new HardwareService({ llamaView: async () => CPU_VIEW, logger: silentLogger });
    const snapshot = await hardware.getSnapshot();
    console.log(JSON.stringify(snapshot, null, 2));
    expect(snapshot.cpu.logicalCores).toBeGreaterThanOrEqual(1);
    expect(snapshot.cpu.physicalCores).toBeGreaterThanOrEqual(1);
    expect(snapshot.cpu.physicalCores).toBeLessThanOrEqual(snapshot.cpu.logicalCores);
    expect(snapshot.cpu.model.length).toBeGreaterThan(0);
    expect(snapshot.ram.totalBytes).toBeGreaterThan(1e9);
    expect(snapshot.ram.freeBytes).toBeGreaterThan(0);
    expect(snapshot.ram.freeBytes).toBeLessThanOrEqual(snapshot.ram.totalBytes);
    expect(snapshot.ram.swapFreeBytes).toBeLessThanOrEqual(snapshot.ram.swapTotalBytes);
    expect(snapshot.os.platform).toBe(process.platform);
    expect(snapshot.errors).toEqual([]);
    for (const gpu of snapshot.gpus) expect(gpu.vramBytes === null || gpu.vramBytes > 0).toBe(true);
    if (process.arch === 'x64') expect(snapshot.cpu.simd).toContain('SSE3');

    const started = performance.now();
    const again = await hardware.getSnapshot();
    expect(performance.now() - started).toBeLessThan(1_000); // cached slow parts: only RAM is read again
    expect(again.takenAt).toBe(snapshot.takenAt);
  });
});
