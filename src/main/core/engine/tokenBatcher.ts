import type { TokenLogprob } from '../../../shared/dto';
import type { EngineMessage, TokensMessage } from './protocol';

/** One decoded piece of a reply: its text, the tokens it took, and their log probabilities when asked for. */
export interface TextPiece {
  text: string;
  tokenCount: number;
  logprobs?: TokenLogprob[];
}

/**
 * How long the engine process holds streamed text before it posts it to the host: at most one
 * message per this many ms while replies generate (the first piece of each reply goes at once).
 *
 * Why 50 and not a display frame (16): with compute threads on every core, each message wakes the
 * engine's timer, the host (which writes the SSE frames or WebSocket events) and the client
 * reading them, and each wake takes a core from a compute thread mid-decode, whose partner then
 * spins at the next barrier. Measured through the API against llama-server, 2 threads on 2 cores,
 * interleaved medians (README, "Threads and engine speed"): 135M-shaped, 4 streams, 1.04 → 1.14
 * of llama-server; 1B-shaped, 4 streams, 0.98 → 1.04; 1B, one stream, 0.98 → 1.04; 135M, one
 * stream at 1 thread (a core to spare), unchanged. 100 ms measured faster still (1.21 on 135M × 4),
 * but 10 updates a second reads as stutter; 20 a second still reads as a stream. API clients
 * still get one SSE chunk per token (`chunking: 'token'`), several per write.
 */
export const STREAM_FLUSH_MS = 50;

/**
 * Coalesces the streamed text of every reply in the engine process into few messages to the host.
 *
 * - The first piece of a reply goes out at once: time to first token matters most.
 * - Later pieces wait; {@link STREAM_FLUSH_MS} after the first of them, one timer sends what every
 *   reply has waiting, in one message (`batch` when several replies have text).
 * - `flush()` on a reply's batcher sends its waiting text now: before its tool call or its result,
 *   so text never arrives out of order or after the reply ended.
 *
 * Why one timer for all replies: a timer per reply woke the host once per reply per token on 4
 * streams of the 1B model; one timer wakes it once per interval (measured through the API, 4
 * streams, 2 threads on 2 cores: 0.90 → 0.94 of llama-server). Sending at the end of each
 * scheduler round instead was tried and measured far worse on one stream at 2 threads (0.79
 * against 1.06 of llama-server, erratic from rep to rep): the host then wakes exactly as the next
 * decode starts its threads.
 */
export class StreamOutbox {
  private readonly waiting = new Map<string, TokenBatcher>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly post: (message: EngineMessage) => void,
    private readonly intervalMs = STREAM_FLUSH_MS,
  ) {}

  /** The text of one reply; `keepPieces` (a caller streaming each token) keeps the pieces apart inside a message. */
  batcher(requestId: string, keepPieces = false): TokenBatcher {
    return new TokenBatcher(requestId, keepPieces, this);
  }

  /** Sends every reply's waiting text, in one message. */
  flushAll(): void {
    this.clearTimer();
    const messages = [...this.waiting.values()].map((batcher) => batcher.take()).filter((message) => message !== undefined);
    this.waiting.clear();
    if (messages.length === 1) this.post(messages[0]!);
    else if (messages.length > 1) this.post({ kind: 'batch', messages });
  }

  /** @internal (TokenBatcher) */
  wait(batcher: TokenBatcher): void {
    this.waiting.set(batcher.requestId, batcher);
    this.timer ??= setTimeout(() => this.flushAll(), this.intervalMs);
  }

  /** @internal (TokenBatcher) */
  sendNow(batcher: TokenBatcher): void {
    this.waiting.delete(batcher.requestId);
    if (this.waiting.size === 0) this.clearTimer();
    const message = batcher.take();
    if (message) this.post(message);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The waiting text of one reply; its outbox decides when it leaves. */
export class TokenBatcher {
  private pieces: TextPiece[] = [];
  private sentFirst = false;

  constructor(
    readonly requestId: string,
    private readonly keepPieces: boolean,
    private readonly outbox: StreamOutbox,
  ) {}

  add(text: string, tokenCount: number, logprobs?: TokenLogprob[]): void {
    this.pieces.push({ text, tokenCount, ...(logprobs ? { logprobs } : {}) });
    if (this.sentFirst) return this.outbox.wait(this);
    this.sentFirst = true;
    this.outbox.sendNow(this);
  }

  /** Sends this reply's waiting text now (before its tool call or its result). */
  flush(): void {
    this.outbox.sendNow(this);
  }

  /** @internal (StreamOutbox) The waiting pieces as one message, or undefined when none wait. */
  take(): TokensMessage | undefined {
    const pieces = this.pieces;
    if (pieces.length === 0) return undefined;
    this.pieces = [];
    const logprobs = pieces.flatMap((piece) => piece.logprobs ?? []);
    return {
      kind: 'tokens',
      requestId: this.requestId,
      text: pieces.map((piece) => piece.text).join(''),
      tokenCount: pieces.reduce((sum, piece) => sum + piece.tokenCount, 0),
      ...(logprobs.length > 0 ? { logprobs } : {}),
      ...(this.keepPieces && pieces.length > 1 ? { pieces } : {}),
    };
  }
}
