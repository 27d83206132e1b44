/** Schedules one callback, e.g. `requestAnimationFrame`. */
export type Scheduler = (callback: () => void) => void;

/** New reply text per request, merged from several chunks between two frames. */
export type TokenBatch = Map<string, string>;

/** Adds one chunk's text to a pending batch (mutates: batches live only until the next frame). */
export function mergeTokens(batch: TokenBatch, requestId: string, text: string): void {
  if (!text) return;
  batch.set(requestId, (batch.get(requestId) ?? '') + text);
}

/** Next frame while visible; hidden tabs get no frames, so fall back to a timer there. */
export const nextFrame: Scheduler = (callback) => {
  if (document.hidden) setTimeout(callback, 100);
  else requestAnimationFrame(callback);
};

export interface TokenBuffer {
  /** Queues text for a request; the flush happens once on the next scheduled tick. */
  push(requestId: string, text: string): void;
  /** Hands over everything pending now (also used before a reply is finalised). */
  flush(): void;
}

/**
 * Collects reply text between two frames and hands it over in one batch, so a fast model causes
 * one store update (and one render) per frame, not one per token.
 */
export function createTokenBuffer(schedule: Scheduler, deliver: (batch: TokenBatch) => void): TokenBuffer {
  let batch: TokenBatch = new Map();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (batch.size === 0) return;
    const ready = batch;
    batch = new Map();
    deliver(ready);
  };

  return {
    push(requestId, text) {
      mergeTokens(batch, requestId, text);
      if (scheduled || batch.size === 0) return;
      scheduled = true;
      schedule(flush);
    },
    flush,
  };
}
