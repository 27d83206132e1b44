import type { GpuInfo, HardwareSnapshot, LlamaHardwareView } from '../../../shared/hardwareDto';
import type { Logger } from '../logging/logger';
import { hardwareNotes } from './hardwareNotes';
import {
  errorText,
  readCpu,
  readCpuFlags,
  readGpus,
  readOs,
  readRam,
  simdFlags,
  systeminformationSource,
  withTimeout,
  type CpuPart,
  type OsPart,
  type Read,
  type SystemInfoSource,
} from './systemInfo';

export interface HardwareServiceOptions {
  /** What llama.cpp sees; asked in the engine process (EngineService.hardwareView). */
  llamaView: () => Promise<LlamaHardwareView>;
  logger: Logger;
  /** Where OS facts come from; systeminformation unless a test simulates a machine. */
  source?: SystemInfoSource;
  /** Deadline of each systeminformation call, in ms (default 5000). */
  timeoutMs?: number;
  /** Deadline of the llama.cpp view, in ms (default 30000: the first ask starts the engine process). */
  llamaTimeoutMs?: number;
  /** After the llama.cpp view failed, ms before a snapshot asks again (default 30000; `refresh` asks at once). */
  llamaRetryMs?: number;
}

/** The parts read once and kept until `refresh`: they do not change while Hearth runs. */
interface SlowParts {
  takenAt: string;
  cpu: CpuPart;
  gpus: GpuInfo[];
  os: OsPart;
  errors: string[];
}

/**
 * This machine as the OS (systeminformation) and llama.cpp see it. Cheap to call: CPU, GPU list
 * and OS are read once (until `refresh`); free RAM and llama.cpp's VRAM numbers are read on every
 * call. Concurrent calls share one read. Never rejects: a part that fails or hangs leaves safe
 * defaults and a line in `errors`.
 */
export class HardwareService {
  private slow: Promise<SlowParts> | undefined;
  private inflight: { promise: Promise<HardwareSnapshot>; full: boolean } | undefined;
  private llamaFailure: { message: string; at: number } | undefined;

  constructor(private readonly options: HardwareServiceOptions) {}

  getSnapshot({ refresh = false }: { refresh?: boolean } = {}): Promise<HardwareSnapshot> {
    // A read in flight answers everyone, unless this caller wants the slow parts again and that read keeps them.
    if (this.inflight && (!refresh || this.inflight.full)) return this.inflight.promise;
    if (refresh) {
      this.slow = undefined;
      this.llamaFailure = undefined;
    }
    const full = this.slow === undefined;
    const promise = this.read().finally(() => {
      if (this.inflight?.promise === promise) this.inflight = undefined;
    });
    this.inflight = { promise, full };
    return promise;
  }

  private async read(): Promise<HardwareSnapshot> {
    const slow = (this.slow ??= this.readSlow());
    const [parts, ram, llama] = await Promise.all([slow, readRam(this.source, this.timeoutMs), this.readLlama()]);
    if (ram.errors.length) this.options.logger.warn('hardware: RAM could not be read', { errors: ram.errors });
    // A copy: callers may keep or change what they get without touching the cache.
    return structuredClone({
      takenAt: parts.takenAt,
      cpu: parts.cpu,
      ram: ram.value,
      gpus: parts.gpus,
      os: parts.os,
      llama: llama.value,
      notes: hardwareNotes(parts.gpus, llama.value),
      errors: [...parts.errors, ...ram.errors, ...llama.errors],
    });
  }

  private async readSlow(): Promise<SlowParts> {
    const takenAt = new Date().toISOString();
    const [cpu, flags, gpus, os] = await Promise.all([
      readCpu(this.source, this.timeoutMs),
      readCpuFlags(this.source, this.timeoutMs),
      readGpus(this.source, this.timeoutMs),
      readOs(this.source, this.timeoutMs),
    ]);
    const errors = [...cpu.errors, ...flags.errors, ...gpus.errors, ...os.errors];
    if (errors.length) this.options.logger.warn('hardware: some parts could not be read', { errors });
    return { takenAt, cpu: { ...cpu.value, simd: simdFlags(flags.value, os.value.arch) }, gpus: gpus.value, os: os.value, errors };
  }

  /**
   * llama.cpp's view, asked on every call (VRAM in use changes with every load). After a failure
   * the same failure is reported for `llamaRetryMs`, so a broken engine is not restarted per call.
   */
  private async readLlama(): Promise<Read<LlamaHardwareView | null>> {
    const failure = this.llamaFailure;
    if (failure && Date.now() - failure.at < (this.options.llamaRetryMs ?? 30_000)) return { value: null, errors: [failure.message] };
    try {
      const view = await withTimeout(
        Promise.resolve().then(() => this.options.llamaView()),
        this.options.llamaTimeoutMs ?? 30_000,
        'the engine process',
      );
      this.llamaFailure = undefined;
      return { value: view, errors: [] };
    } catch (error) {
      const message = `llama.cpp view (engine): ${errorText(error)}`;
      this.llamaFailure = { message, at: Date.now() };
      this.options.logger.warn('hardware: llama.cpp could not be asked', { error: message });
      return { value: null, errors: [message] };
    }
  }

  private get source(): SystemInfoSource {
    return this.options.source ?? systeminformationSource;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 5_000;
  }
}
