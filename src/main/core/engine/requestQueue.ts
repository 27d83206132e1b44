import { AppError } from '../../../shared/errors';
import type { GenerationCaller } from './replyCall';

interface Waiter {
  requestId: string;
  caller: GenerationCaller;
  position: number;
  resolve(admitted: boolean): void;
  reject(error: Error): void;
  cleanup(): void;
}

export interface RequestQueueOptions {
  maxLength: number;
  timeoutMs: number;
  /** How many requests may run at once (the loaded model's sequences). */
  parallel: () => number;
  onChange: () => void;
}

/** Weight of the newest reply in the running average used for retry hints. */
const DURATION_SMOOTHING = 0.3;
const FIRST_DURATION_GUESS_MS = 5_000;

/**
 * Admission to the engine's sequences: up to `parallel()` requests run, the rest wait in FIFO
 * order (first come, first served — no caller can starve another), each told its position as the
 * queue moves. A full queue refuses at once with BUSY and a retry hint; a waiter whose caller
 * gives up leaves the queue; one that waits longer than `timeoutMs` gets BUSY.
 */
export class RequestQueue {
  private readonly waiters: Waiter[] = [];
  private runningCount = 0;
  private averageMs = FIRST_DURATION_GUESS_MS;

  constructor(private readonly options: RequestQueueOptions) {}

  /** Requests admitted and not yet released. */
  get running(): number {
    return this.runningCount;
  }

  get length(): number {
    return this.waiters.length;
  }

  /**
   * Resolves true when the request may run (call {@link release} when it ends), false when its
   * caller gave up while waiting. Rejects with BUSY when the queue is full or the wait too long.
   */
  acquire(requestId: string, caller: GenerationCaller): Promise<boolean> {
    if (caller.signal.aborted) return Promise.resolve(false);
    if (this.waiters.length === 0 && this.runningCount < this.options.parallel()) {
      this.runningCount++;
      return Promise.resolve(true);
    }
    if (this.waiters.length >= this.options.maxLength) {
      const retryAfterMs = this.retryHintMs();
      return Promise.reject(
        new AppError(
          'BUSY',
          `Hearth is busy: ${this.runningCount} replies running and ${this.waiters.length} waiting. Try again in about ${Math.ceil(retryAfterMs / 1000)} s.`,
          { retryAfterMs },
        ),
      );
    }
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.remove(waiter);
        reject(new AppError('BUSY', `Waited ${Math.round(this.options.timeoutMs / 1000)} s for a free slot; try again later.`, { retryAfterMs: this.retryHintMs() }));
      }, this.options.timeoutMs);
      timer.unref?.();
      const onAbort = () => {
        this.remove(waiter);
        resolve(false);
      };
      const waiter: Waiter = {
        requestId,
        caller,
        position: 0,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          caller.signal.removeEventListener('abort', onAbort);
        },
      };
      caller.signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.changed();
    });
  }

  /** A running request ended: admit the next ones. */
  release(): void {
    this.runningCount = Math.max(0, this.runningCount - 1);
    this.pump();
  }

  /** Takes a waiting request out of the queue (its caller resolves with an aborted result). */
  cancel(requestId: string): boolean {
    const waiter = this.waiters.find((w) => w.requestId === requestId);
    if (!waiter) return false;
    this.remove(waiter);
    waiter.resolve(false);
    return true;
  }

  /** Fails every waiting request (unload, crash, shutdown). Running ones are not affected. */
  rejectAll(error: Error): void {
    const waiting = this.waiters.splice(0);
    for (const waiter of waiting) {
      waiter.cleanup();
      waiter.reject(error);
    }
    if (waiting.length) this.options.onChange();
  }

  /** Feeds the running average of reply durations behind the retry hint. */
  recordDuration(ms: number): void {
    this.averageMs = this.averageMs * (1 - DURATION_SMOOTHING) + ms * DURATION_SMOOTHING;
  }

  /** Roughly when the queue will have room: the waiting rounds ahead times an average reply. */
  retryHintMs(): number {
    const rounds = Math.ceil((this.waiters.length + 1) / Math.max(1, this.options.parallel()));
    return Math.round(Math.min(60_000, Math.max(1_000, rounds * this.averageMs)));
  }

  private pump(): void {
    let admitted = false;
    while (this.waiters.length && this.runningCount < this.options.parallel()) {
      const waiter = this.waiters.shift()!;
      waiter.cleanup();
      this.runningCount++;
      admitted = true;
      waiter.resolve(true);
    }
    if (admitted) this.changed();
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index === -1) return;
    this.waiters.splice(index, 1);
    waiter.cleanup();
    this.changed();
  }

  /** Tells each waiter its new place, once per change of place, and publishes the new length. */
  private changed(): void {
    this.waiters.forEach((waiter, index) => {
      if (waiter.position === index + 1) return;
      waiter.position = index + 1;
      waiter.caller.emit({ type: 'queued', position: index + 1 });
    });
    this.options.onChange();
  }
}
