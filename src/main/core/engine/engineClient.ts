import { AppError, fromErrorShape } from '../../../shared/errors';
import type { EngineStatus, TokenLogprob } from '../../../shared/dto';
import type { Logger } from '../logging/logger';
import type { EngineLauncher, EngineProcess } from './engineProcess';
import type { EngineMessage, EngineRequest, EngineResultOf } from './protocol';
import type { TextPiece } from './tokenBatcher';

/** Streamed output of one generation, routed to the caller that asked for it. */
export type GenerationEvent =
  | { kind: 'tokens'; text: string; tokenCount: number; logprobs?: TokenLogprob[]; pieces?: TextPiece[] }
  | { kind: 'promptProgress'; processed: number; total: number }
  | { kind: 'toolCall'; index: number; id: string; name: string; delta: string };

export interface EngineClientOptions {
  launch: EngineLauncher;
  logger: Logger;
  onStatus(status: EngineStatus): void;
  onLoadProgress(progress: number): void;
  /** A busy engine that sends nothing (not even its heartbeat) for this long is declared hung. */
  hangTimeoutMs?: number;
  /** A generation with no new token or prompt progress for this long is declared hung. */
  stallTimeoutMs?: number;
  /** Per-operation deadlines, in ms, overriding {@link DEFAULT_DEADLINES}. */
  deadlines?: Partial<Record<EngineRequest['op'], number>>;
}

/** How long a fresh engine process may take to say it is ready, in ms. */
const START_TIMEOUT_MS = 30_000;
/**
 * Deadlines per operation, in ms. A load reads the whole model from disk (minutes for 40 GB on a
 * slow disk); generation has no total deadline (a reply may be long) but must keep making progress.
 */
export const DEFAULT_DEADLINES: Record<EngineRequest['op'], number> = {
  load: 15 * 60_000,
  unload: 60_000,
  generate: Number.POSITIVE_INFINITY,
  // At most MAX_EMBED_TOKENS_PER_CALL tokens (embeddings.ts): seconds on a small model, minutes on a large one on a slow CPU.
  embed: 10 * 60_000,
  // At most MAX_RANK_TOKENS_PER_CALL tokens (ranking.ts), like embed.
  rank: 10 * 60_000,
  abort: 10_000,
  status: 10_000,
  hardware: 30_000,
  threads: 10_000,
  hang: 60_000,
  // One lab step: at most one chunk (n_ctx tokens with every logit read) of a large model on a slow CPU.
  lab: 30 * 60_000,
  // One thread count of the machine benchmark: pp512 + tg128, repeated, of a large model on one thread.
  bench: 30 * 60_000,
};
const DEFAULT_HANG_TIMEOUT_MS = 15_000;
const DEFAULT_STALL_TIMEOUT_MS = 180_000;
const WATCHDOG_INTERVAL_MS = 250;

interface Pending {
  op: EngineRequest['op'];
  deadlineAt: number;
  /** Generations only: last token or prompt progress. */
  progressAt: number;
  requestId?: string;
  onEvent?: (event: GenerationEvent) => void;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Host side of the engine process: starts it on first use, correlates calls with results, routes
 * each generation's stream to its own caller, and watches the process. When it dies (crash, OOM,
 * killed) or stops answering (no heartbeat, a deadline passed, a generation stalled), every waiting
 * call fails with ENGINE_CRASHED / ENGINE_HUNG, and the next call starts a fresh process.
 */
export class EngineClient {
  private process: EngineProcess | undefined;
  private starting: Promise<EngineProcess> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;
  private currentStatus: EngineStatus = { state: 'idle' };
  private lastAliveAt = 0;
  /** When the watchdog last ran: a late run means this process itself was paused (system sleep). */
  private lastCheckAt = 0;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  /** Set when the watchdog killed the process, so the exit is reported as a hang, not a crash. */
  private hangReason: string | undefined;
  private readonly hangTimeoutMs: number;
  private readonly stallTimeoutMs: number;
  private readonly deadlines: Record<EngineRequest['op'], number>;

  constructor(private readonly options: EngineClientOptions) {
    this.hangTimeoutMs = options.hangTimeoutMs ?? DEFAULT_HANG_TIMEOUT_MS;
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    this.deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  }

  get status(): EngineStatus {
    return this.currentStatus;
  }

  /** Sends one request; `onEvent` receives a generation's stream. Rejects at the operation's deadline. */
  async call<R extends EngineRequest>(request: R, onEvent?: (event: GenerationEvent) => void): Promise<EngineResultOf<R>> {
    const proc = await this.ensureProcess();
    const id = this.nextId++;
    const now = Date.now();
    return new Promise<EngineResultOf<R>>((resolve, reject) => {
      this.pending.set(id, {
        op: request.op,
        deadlineAt: now + this.deadlines[request.op],
        progressAt: now,
        ...(request.op === 'generate' ? { requestId: request.requestId, onEvent } : {}),
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      proc.send({ kind: 'call', id, request });
    });
  }

  /** Kills the engine process now (tests, "force stop"); the next call starts a new one. */
  kill(): void {
    this.process?.kill();
  }

  /** Fails every waiting call with `reason` (they would otherwise see a crash), then stops the process. */
  async dispose(reason = 'Hearth is shutting down.'): Promise<void> {
    this.disposed = true;
    this.stopWatchdog();
    const error = new AppError('ENGINE_ERROR', `${reason} The reply was not finished.`);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    const proc = this.process ?? (await this.starting?.catch(() => undefined));
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.onExit(() => resolve()));
    proc.kill();
    await exited;
  }

  private ensureProcess(): Promise<EngineProcess> {
    if (this.disposed) return Promise.reject(new AppError('ENGINE_ERROR', 'Hearth is shutting down.'));
    if (this.process) return Promise.resolve(this.process);
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private start(): Promise<EngineProcess> {
    this.setStatus({ state: 'starting' });
    this.hangReason = undefined;
    const proc = this.options.launch();
    return new Promise<EngineProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill();
        reject(new AppError('ENGINE_ERROR', `The inference engine did not start within ${START_TIMEOUT_MS / 1000} s.`));
      }, START_TIMEOUT_MS);
      proc.onMessage((message) => {
        this.lastAliveAt = Date.now();
        if (message.kind === 'ready') {
          clearTimeout(timer);
          this.process = proc;
          this.setStatus({ state: 'ready', pid: message.pid });
          this.startWatchdog();
          resolve(proc);
          return;
        }
        this.onMessage(message);
      });
      proc.onExit(({ code, signal }) => {
        clearTimeout(timer);
        const wasReady = this.process === proc;
        if (wasReady) this.process = undefined;
        const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
        if (!wasReady) reject(new AppError('ENGINE_ERROR', `The inference engine failed to start (${why}).`));
        this.onExit(why);
      });
    });
  }

  private onMessage(message: EngineMessage): void {
    switch (message.kind) {
      case 'result': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(fromErrorShape(message.error));
        return;
      }
      case 'batch':
        for (const each of message.messages) this.onMessage(each);
        return;
      case 'tokens':
      case 'toolCall':
      case 'promptProgress': {
        const pending = this.findGeneration(message.requestId);
        if (!pending) return;
        pending.progressAt = Date.now();
        pending.onEvent?.(generationEvent(message));
        return;
      }
      case 'loadProgress':
        this.options.onLoadProgress(message.progress);
        return;
      case 'ready':
      case 'heartbeat':
        return;
    }
  }

  private findGeneration(requestId: string): Pending | undefined {
    for (const pending of this.pending.values()) if (pending.requestId === requestId) return pending;
    return undefined;
  }

  /** Runs while a process is up, busy or idle: a frozen engine is found before anyone needs it. */
  private startWatchdog(): void {
    this.lastAliveAt = this.lastCheckAt = Date.now();
    this.watchdog ??= setInterval(() => this.checkAlive(), WATCHDOG_INTERVAL_MS);
    this.watchdog.unref?.();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  /** Kills a process that went silent, missed a deadline, or whose generation stopped progressing. */
  private checkAlive(): void {
    const now = Date.now();
    // This process was paused too (laptop asleep, debugger): silence since then proves nothing.
    if (now - this.lastCheckAt > WATCHDOG_INTERVAL_MS * 8) this.lastAliveAt = now;
    this.lastCheckAt = now;
    if (!this.process || this.hangReason) return;
    let reason: string | undefined;
    if (now - this.lastAliveAt > this.hangTimeoutMs) {
      reason = `it stopped responding for ${seconds(now - this.lastAliveAt)}`;
    } else {
      for (const pending of this.pending.values()) {
        if (now > pending.deadlineAt) reason = `"${pending.op}" did not finish within ${seconds(this.deadlines[pending.op])}`;
        else if (pending.op === 'generate' && now - pending.progressAt > this.stallTimeoutMs) {
          reason = `a reply made no progress for ${seconds(now - pending.progressAt)}`;
        }
        if (reason) break;
      }
    }
    if (!reason) return;
    this.hangReason = reason;
    this.options.logger.error('engine hung; killing it', { reason, pid: this.process.pid });
    this.process.kill();
  }

  private onExit(why: string): void {
    this.stopWatchdog();
    const hang = this.hangReason;
    const error = hang
      ? new AppError('ENGINE_HUNG', `The inference engine was stopped because ${hang}. The model was unloaded; load it again to continue.`)
      : new AppError('ENGINE_CRASHED', `The inference engine stopped unexpectedly (${why}). The model was unloaded; load it again to continue.`);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (this.disposed) {
      this.setStatus({ state: 'idle' });
      return;
    }
    this.options.logger.warn('engine process exited', { why, hang });
    this.setStatus({ state: 'crashed', lastError: error.message });
  }

  private setStatus(status: EngineStatus): void {
    this.currentStatus = status;
    this.options.onStatus(status);
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** A streamed engine message as the event its generation's caller receives (without the request id). */
function generationEvent(message: Extract<EngineMessage, { kind: 'tokens' | 'toolCall' | 'promptProgress' }>): GenerationEvent {
  const { requestId: _requestId, ...event } = message;
  return event;
}
