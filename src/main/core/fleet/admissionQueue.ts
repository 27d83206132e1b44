import { AppError } from '../../../shared/errors';

/** Where a waiting request hears its place in line. */
export interface AdmissionWaiter {
  signal: AbortSignal;
  emit(chunk: { type: 'queued'; position: number }): void;
}

export interface AdmissionTicket {
  readonly waiter: AdmissionWaiter;
  position: number;
  wakeUp?: (() => void) | undefined;
  fail?: ((error: Error) => void) | undefined;
}

/**
 * Requests waiting for the fleet to make room (busy models must finish first), first come first
 * served: only the head tries again when something changes, so a later request never takes the
 * memory an earlier one is waiting for. Each waiter hears its position when it changes.
 */
export class AdmissionQueue {
  private readonly tickets: AdmissionTicket[] = [];

  enter(waiter: AdmissionWaiter): AdmissionTicket {
    const ticket: AdmissionTicket = { waiter, position: 0 };
    this.tickets.push(ticket);
    this.renumber();
    return ticket;
  }

  isHead(ticket: AdmissionTicket): boolean {
    return this.tickets[0] === ticket;
  }

  leave(ticket: AdmissionTicket): void {
    const index = this.tickets.indexOf(ticket);
    if (index < 0) return;
    this.tickets.splice(index, 1);
    ticket.wakeUp = undefined;
    this.renumber();
    // The new head may try at once.
    this.tickets[0]?.wakeUp?.();
  }

  /**
   * Resolves at the next change in the fleet (a model went idle or was unloaded); rejects with
   * `timeout()` at the deadline, or when the waiter gives up.
   */
  nextChange(ticket: AdmissionTicket, deadline: number, timeout: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const { signal } = ticket.waiter;
      const finish = (error?: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        ticket.wakeUp = undefined;
        ticket.fail = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => finish(new AppError('BAD_REQUEST', 'The request was cancelled while it waited for a model.'));
      if (signal.aborted) return onAbort();
      const timer = setTimeout(() => finish(timeout()), Math.max(0, deadline - Date.now()));
      signal.addEventListener('abort', onAbort, { once: true });
      ticket.wakeUp = () => finish();
      ticket.fail = (error) => finish(error);
    });
  }

  /**
   * Runs `attempt` until it admits. After its first refusal the request takes its place in line
   * (`waiter()`) and tries again only as the head, at each change; at `deadline` it fails with
   * `expired(reason)`, the last refusal's reason.
   */
  async admit<T>(attempt: () => Promise<{ member: T } | { reason: string }>, waiter: () => AdmissionWaiter, deadline: number, expired: (reason: string) => Error): Promise<T> {
    let ticket: AdmissionTicket | undefined;
    let reason = '';
    try {
      for (;;) {
        if (!ticket || this.isHead(ticket)) {
          const outcome = await attempt();
          if ('member' in outcome) return outcome.member;
          reason = outcome.reason;
          // Only on-demand requests get here: they wait for busy models to go idle, first come first served.
          ticket ??= this.enter(waiter());
        }
        await this.nextChange(ticket, deadline, () => expired(reason));
      }
    } finally {
      if (ticket) this.leave(ticket);
    }
  }

  /** Something changed: the head tries again. */
  wake(): void {
    this.tickets[0]?.wakeUp?.();
  }

  /** Every waiter fails with `error` (shutdown). */
  rejectAll(error: Error): void {
    for (const ticket of this.tickets.splice(0)) ticket.fail?.(error);
  }

  private renumber(): void {
    this.tickets.forEach((ticket, i) => {
      if (ticket.position === i + 1) return;
      ticket.position = i + 1;
      ticket.waiter.emit({ type: 'queued', position: i + 1 });
    });
  }
}
