import type { TokenLogprob } from '../../../shared/dto';
import type { EngineMessage, TokensMessage } from './protocol';

/** One decoded piece of a reply: its text, the tokens it took, and their log probabilities when asked for. */
export interface TextPiece {
  text: string;
  tokenCount: number;
  logprobs?: TokenLogprob[];
}

/** When coalesced text leaves the engine process (see {@link StreamOutbox}). */
export interface OutboxTiming {
  /** At most one message of waiting text per this many ms (a round that ends sooner keeps it). */
  intervalMs: number;
  /** Waiting text goes out after this long even when no round ends (a long prompt holds the round). */
  fallbackMs: number;
}

/**
 * Coalesces the streamed text of every reply in the engine process into few messages to the host,
 * and sends them when a scheduler round ends: between two decodes, when the cores are free.
 *
 * Why: on a machine whose cores all run llama.cpp's threads, every wake-up of the host (and of the
 * client behind it) takes a core from a compute thread in the middle of a decode, and the decode's
 * other threads wait for it at the next barrier. One reply timer per request woke the host once per
 * token of each reply, mid-decode; this wakes it once per round for all replies (measured on the
 * 1B model, 4 streams, 2 threads on 2 cores: 0.90 → 0.93 of llama-server through the API).
 *
 * - The first piece of a reply goes out at once: time to first token matters most.
 * - Later pieces wait for the end of a round at least `intervalMs` after the last message, and then
 *   all waiting replies go in one message (`batch`).
 * - A round can last long (another reply's long prompt): after `fallbackMs` a timer sends them.
 * - `flush(requestId)` sends one reply's waiting text now: before its tool call or its result, so
 *   text never arrives out of order or after the reply ended.
 */
export class StreamOutbox {
  private readonly waiting = new Map<string, TokenBatcher>();
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly post: (message: EngineMessage) => void,
    private readonly timing: OutboxTiming = { intervalMs: 16, fallbackMs: 100 },
    private readonly now: () => number = Date.now,
  ) {}

  /** The text of one reply; `keepPieces` (a caller streaming each token) keeps the pieces apart inside a message. */
  batcher(requestId: string, keepPieces = false): TokenBatcher {
    return new TokenBatcher(requestId, keepPieces, this);
  }

  /** A scheduler round ended: send what waits, unless a message went out less than `intervalMs` ago. */
  roundEnded(): void {
    if (this.waiting.size > 0 && this.now() - this.lastSentAt >= this.timing.intervalMs) this.flushAll();
  }

  /** Sends every reply's waiting text, in one message. */
  flushAll(): void {
    this.clearTimer();
    const messages = [...this.waiting.values()].map((batcher) => batcher.take()).filter((message) => message !== undefined);
    this.waiting.clear();
    if (messages.length === 1) this.send(messages[0]!);
    else if (messages.length > 1) this.send({ kind: 'batch', messages });
  }

  /** @internal (TokenBatcher) */
  wait(batcher: TokenBatcher): void {
    this.waiting.set(batcher.requestId, batcher);
    this.timer ??= setTimeout(() => this.flushAll(), this.timing.fallbackMs);
  }

  /** @internal (TokenBatcher) */
  sendNow(batcher: TokenBatcher): void {
    this.waiting.delete(batcher.requestId);
    if (this.waiting.size === 0) this.clearTimer();
    const message = batcher.take();
    if (message) this.send(message);
  }

  private send(message: EngineMessage): void {
    this.lastSentAt = this.now();
    this.post(message);
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
