import type { TokenLogprob } from '../../../shared/dto';

/**
 * Coalesces streamed text into few messages: the first piece of a reply goes out at once (time to
 * first token matters most), later pieces at most every `intervalMs` (0: each piece on its own).
 * Token log probabilities, when a reply has them, travel with the text they belong to. Callers
 * `flush()` before sending the final result so text never arrives after the reply ended.
 */
export class TokenBatcher {
  private text = '';
  private tokens = 0;
  private logprobs: TokenLogprob[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sentFirst = false;

  constructor(
    private readonly send: (text: string, tokenCount: number, logprobs: TokenLogprob[] | undefined) => void,
    private readonly intervalMs = 16,
  ) {}

  add(text: string, tokenCount: number, logprobs?: TokenLogprob[]): void {
    this.text += text;
    this.tokens += tokenCount;
    if (logprobs) this.logprobs.push(...logprobs);
    if (!this.sentFirst || this.intervalMs === 0) {
      this.sentFirst = true;
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.text && !this.tokens) return;
    const { text, tokens, logprobs } = this;
    this.text = '';
    this.tokens = 0;
    this.logprobs = [];
    this.send(text, tokens, logprobs.length > 0 ? logprobs : undefined);
  }
}
