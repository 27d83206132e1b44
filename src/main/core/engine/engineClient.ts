import { AppError, fromErrorShape } from '../../../shared/errors';
import type { EngineStatus } from '../../../shared/dto';
import type { Logger } from '../logging/logger';
import type { EngineLauncher, EngineProcess } from './engineProcess';
import type { EngineMessage, EngineRequest, EngineResultOf } from './protocol';

export interface EngineClientHooks {
  onStatus(status: EngineStatus): void;
  onTokens(requestId: string, text: string, tokenCount: number): void;
  onLoadProgress(progress: number): void;
}

/** How long a fresh engine process may take to say it is ready, in ms. */
const START_TIMEOUT_MS = 30_000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Host side of the engine process: starts it on first use, correlates calls with results, and
 * when the process dies (crash, OOM, killed) fails every waiting call with ENGINE_CRASHED and
 * starts a fresh process on the next call.
 */
export class EngineClient {
  private process: EngineProcess | undefined;
  private starting: Promise<EngineProcess> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;
  private currentStatus: EngineStatus = { state: 'idle' };

  constructor(
    private readonly launch: EngineLauncher,
    private readonly hooks: EngineClientHooks,
    private readonly logger: Logger,
  ) {}

  get status(): EngineStatus {
    return this.currentStatus;
  }

  async call<R extends EngineRequest>(request: R): Promise<EngineResultOf<R>> {
    const proc = await this.ensureProcess();
    const id = this.nextId++;
    return new Promise<EngineResultOf<R>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      proc.send({ kind: 'call', id, request });
    });
  }

  /** Kills the engine process now (used by tests and by "force stop"); the next call starts a new one. */
  kill(): void {
    this.process?.kill();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
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
    const proc = this.launch();
    return new Promise<EngineProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill();
        reject(new AppError('ENGINE_ERROR', 'The inference engine did not start within 30 s.'));
      }, START_TIMEOUT_MS);
      proc.onMessage((message) => {
        if (message.kind === 'ready') {
          clearTimeout(timer);
          this.process = proc;
          this.setStatus({ state: 'ready', pid: message.pid });
          resolve(proc);
          return;
        }
        this.onMessage(message);
      });
      proc.onExit(({ code, signal }) => {
        clearTimeout(timer);
        const wasReady = this.process === proc;
        this.process = undefined;
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
      case 'tokens':
        this.hooks.onTokens(message.requestId, message.text, message.tokenCount);
        return;
      case 'loadProgress':
        this.hooks.onLoadProgress(message.progress);
        return;
      case 'ready':
        return;
    }
  }

  private onExit(why: string): void {
    const error = new AppError(
      'ENGINE_CRASHED',
      `The inference engine stopped unexpectedly (${why}). The model was unloaded; load it again to continue.`,
    );
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (this.disposed) {
      this.setStatus({ state: 'idle' });
      return;
    }
    this.logger.warn('engine process exited', { why });
    this.setStatus({ state: 'crashed', lastError: error.message });
  }

  private setStatus(status: EngineStatus): void {
    this.currentStatus = status;
    this.hooks.onStatus(status);
  }
}
