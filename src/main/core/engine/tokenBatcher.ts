import type { TokenLogprob } from '../../../shared/dto';

/** One decoded piece of a reply: its text, the tokens it took, and their log probabilities when asked for. */
export interface TextPiece {
  text: string;
  tokenCount: number;
  logprobs?: TokenLogprob[];
}

/**
 * Coalesces streamed text into few messages to the host: the first piece of a reply goes out at
 * once (time to first token matters most), later pieces at most every `intervalMs`. With
 * `keepPieces` (a caller that streams each token on its own, e.g. an API client) the pieces stay
 * separate inside the message, so the host can still send one chunk per token while the process
 * boundary is crossed once per interval. Callers `flush()` before sending the final result so
 * text never arrives after the reply ended.
 */
export class TokenBatcher {
  private pieces: TextPiece[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sentFirst = false;

  constructor(
    private readonly send: (batch: TextPiece & { pieces?: TextPiece[] }) => void,
    private readonly keepPieces = false,
    private readonly intervalMs = 16,
  ) {}

  add(text: string, tokenCount: number, logprobs?: TokenLogprob[]): void {
    this.pieces.push({ text, tokenCount, ...(logprobs ? { logprobs } : {}) });
    if (!this.sentFirst) {
      this.sentFirst = true;
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pieces = this.pieces;
    if (pieces.length === 0) return;
    this.pieces = [];
    const logprobs = pieces.flatMap((piece) => piece.logprobs ?? []);
    this.send({
      text: pieces.map((piece) => piece.text).join(''),
      tokenCount: pieces.reduce((sum, piece) => sum + piece.tokenCount, 0),
      ...(logprobs.length > 0 ? { logprobs } : {}),
      ...(this.keepPieces && pieces.length > 1 ? { pieces } : {}),
    });
  }
}
