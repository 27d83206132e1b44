/**
 * What the operating system says about this machine, read with systeminformation. Every call is
 * bounded by a timeout (graphics() shells out to lspci / nvidia-smi / PowerShell and can hang) and
 * never rejects: a failed part gives safe defaults from `node:os` and one line in `errors`.
 */
import { arch as osArch, availableParallelism, cpus, freemem, platform as osPlatform, release as osRelease, totalmem } from 'node:os';
import type { GpuInfo, HardwareSnapshot } from '../../../shared/hardwareDto';

/** The few systeminformation calls Hearth uses, narrowed to the fields it reads (tests fake it). */
export interface SystemInfoSource {
  cpu(): Promise<{ manufacturer: string; brand: string; physicalCores: number; cores: number }>;
  /** Space-separated flags as the OS names them (`/proc/cpuinfo`, `sysctl machdep.cpu.features`, ...). */
  cpuFlags(): Promise<string>;
  /** Bytes. `available` is MemAvailable on Linux: what can be had without swapping. */
  mem(): Promise<{ total: number; available: number; swaptotal: number; swapfree: number }>;
  /** `vram` in MiB (systeminformation's unit); `vramDynamic` when it is shared system memory. */
  graphics(): Promise<{
    controllers: Array<{ vendor?: string; model?: string; vram?: number | null; vramDynamic?: boolean; driverVersion?: string }>;
  }>;
  osInfo(): Promise<{ platform: string; distro: string; release: string; arch: string }>;
}

/** The real systeminformation, loaded on first use so hosts that never ask do not pay for it. */
export const systeminformationSource: SystemInfoSource = {
  cpu: async () => (await import('systeminformation')).cpu(),
  cpuFlags: async () => (await import('systeminformation')).cpuFlags(),
  mem: async () => (await import('systeminformation')).mem(),
  graphics: async () => (await import('systeminformation')).graphics(),
  osInfo: async () => (await import('systeminformation')).osInfo(),
};

/** A part of the snapshot and the lines saying what could not be read for it. */
export interface Read<T> {
  value: T;
  errors: string[];
}

/** Resolves with `promise`, or rejects after `ms` saying which call did not answer. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${formatSeconds(ms)}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

/** Runs one source call with a deadline; on failure `fallback` and an error line naming the part. */
async function attempt<T>(part: string, call: () => Promise<T>, timeoutMs: number, fallback: () => T): Promise<Read<T>> {
  try {
    // The call itself may throw synchronously; Promise.resolve().then keeps that a rejection.
    return { value: await withTimeout(Promise.resolve().then(call), timeoutMs, part), errors: [] };
  } catch (error) {
    return { value: fallback(), errors: [`${part}: ${errorText(error)}`] };
  }
}

export type CpuPart = HardwareSnapshot['cpu'];
export type RamPart = HardwareSnapshot['ram'];
export type OsPart = HardwareSnapshot['os'];

/** Reads the CPU model and cores; SIMD flags separately (`readCpuFlags`). */
export async function readCpu(source: SystemInfoSource, timeoutMs: number): Promise<Read<Omit<CpuPart, 'simd'>>> {
  const read = await attempt('CPU (systeminformation cpu)', () => source.cpu(), timeoutMs, () => null);
  const fallbackModel = cpus()[0]?.model.trim() || 'unknown CPU';
  const logical = positive(read.value?.cores) ?? availableParallelism();
  return {
    value: {
      model: read.value ? cpuModel(read.value.manufacturer, read.value.brand) || fallbackModel : fallbackModel,
      physicalCores: positive(read.value?.physicalCores) ?? logical,
      logicalCores: logical,
    },
    errors: read.errors,
  };
}

/** `Intel` + `Core™ i7-12700H` → `Intel Core™ i7-12700H`, without repeating a vendor the brand already names. */
function cpuModel(manufacturer: string | undefined, brand: string | undefined): string {
  const vendor = String(manufacturer ?? '').trim();
  const name = String(brand ?? '').trim();
  if (!vendor) return name;
  if (!name) return vendor;
  return name.toLowerCase().startsWith(vendor.toLowerCase()) ? name : `${vendor} ${name}`;
}

function positive(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The OS's raw flag list; `simdFlags` maps it once the architecture is known. */
export function readCpuFlags(source: SystemInfoSource, timeoutMs: number): Promise<Read<string>> {
  return attempt('CPU flags (systeminformation cpuFlags)', () => source.cpuFlags(), timeoutMs, () => '');
}

/**
 * OS flag names → the names llama.cpp prints in its system info, in its order. Linux calls SSE3
 * `pni`; macOS says `sse4.2` and `avx1.0`; ARM Linux calls NEON `asimd`.
 */
const SIMD_NAMES: Array<[name: string, matches: (flag: string) => boolean]> = [
  ['SSE3', (f) => f === 'pni' || f === 'sse3'],
  ['SSSE3', (f) => f === 'ssse3'],
  ['SSE4.2', (f) => f === 'sse4_2' || f === 'sse4.2'],
  ['AVX', (f) => f === 'avx' || f === 'avx1.0'],
  ['AVX_VNNI', (f) => f === 'avx_vnni'],
  ['AVX2', (f) => f === 'avx2'],
  ['F16C', (f) => f === 'f16c'],
  ['FMA', (f) => f === 'fma'],
  ['BMI2', (f) => f === 'bmi2'],
  ['AVX512', (f) => f.startsWith('avx512')],
  ['AVX512_VBMI', (f) => f === 'avx512vbmi' || f === 'avx512_vbmi'],
  ['AVX512_VNNI', (f) => f === 'avx512_vnni' || f === 'avx512vnni'],
  ['AVX512_BF16', (f) => f === 'avx512_bf16' || f === 'avx512bf16'],
  ['AMX_INT8', (f) => f === 'amx_int8'],
  ['NEON', (f) => f === 'asimd' || f === 'neon'],
  ['FP16_VA', (f) => f === 'asimdhp' || f === 'fphp'],
  ['DOTPROD', (f) => f === 'asimddp'],
  ['SVE', (f) => f === 'sve'],
  ['MATMUL_INT8', (f) => f === 'i8mm'],
  ['SME', (f) => f === 'sme'],
];

/**
 * The instruction-set extensions llama.cpp cares about, from the OS's flag list. On 64-bit ARM
 * NEON is part of the architecture, so it is listed even where the OS lists no flags (Apple
 * silicon's sysctl has none).
 */
export function simdFlags(flags: string, arch: string): string[] {
  const present = new Set(String(flags ?? '').toLowerCase().split(/\s+/).filter(Boolean));
  const found = SIMD_NAMES.filter(([, matches]) => [...present].some(matches)).map(([name]) => name);
  if ((arch === 'arm64' || arch === 'aarch64') && !found.includes('NEON')) found.push('NEON');
  return found;
}

export async function readRam(source: SystemInfoSource, timeoutMs: number): Promise<Read<RamPart>> {
  const read = await attempt('RAM (systeminformation mem)', () => source.mem(), timeoutMs, () => null);
  const m = read.value;
  // node:os freemem() is MemAvailable on Linux too (libuv), so the fallback keeps the same meaning.
  const totalBytes = bytesOrZero(m?.total) || totalmem();
  const freeBytes = Math.min(totalBytes, m && Number.isFinite(m.available) ? Math.max(0, m.available) : freemem());
  return {
    value: { totalBytes, freeBytes, swapTotalBytes: bytesOrZero(m?.swaptotal), swapFreeBytes: bytesOrZero(m?.swapfree) },
    errors: read.errors,
  };
}

/** A byte count, or 0 when missing or nonsense. */
function bytesOrZero(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

const MIB = 1024 * 1024;

export async function readGpus(source: SystemInfoSource, timeoutMs: number): Promise<Read<GpuInfo[]>> {
  const read = await attempt('GPUs (systeminformation graphics)', () => source.graphics(), timeoutMs, () => ({ controllers: [] }));
  const controllers = Array.isArray(read.value?.controllers) ? read.value.controllers : [];
  return { value: controllers.filter((c) => c && typeof c === 'object').map(toGpuInfo), errors: read.errors };
}

/** systeminformation reports VRAM in MiB; 0, missing or shared (dynamic) memory is not dedicated VRAM. */
export function toGpuInfo(controller: Awaited<ReturnType<SystemInfoSource['graphics']>>['controllers'][number]): GpuInfo {
  const mib = controller.vram;
  const dedicated = typeof mib === 'number' && Number.isFinite(mib) && mib > 0 && !controller.vramDynamic;
  const gpu: GpuInfo = {
    vendor: String(controller.vendor ?? '').trim(),
    model: String(controller.model ?? '').trim(),
    vramBytes: dedicated ? Math.round(mib * MIB) : null,
  };
  const driver = String(controller.driverVersion ?? '').trim();
  if (driver) gpu.driver = driver;
  return gpu;
}

export async function readOs(source: SystemInfoSource, timeoutMs: number): Promise<Read<OsPart>> {
  const read = await attempt('OS (systeminformation osInfo)', () => source.osInfo(), timeoutMs, () => null);
  const o = read.value;
  return {
    value: {
      platform: o?.platform || osPlatform(),
      distro: o?.distro || '',
      release: o?.release || osRelease(),
      arch: o?.arch || osArch(),
    },
    errors: read.errors,
  };
}
