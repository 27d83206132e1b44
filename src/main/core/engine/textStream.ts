/**
 * Turns generated tokens into text safely while streaming:
 * - a multi-byte UTF-8 character split over several tokens is held back until complete, so no
 *   replacement character (U+FFFD) ever reaches the user;
 * - text that could be the start of a stop string is held back until it is known not to be one,
 *   so a stop string never appears in the reply, not even for one frame.
 */
export type Detokenize = (tokens: readonly number[], lastTokens: readonly number[]) => string;

/** Tokens beyond which an unfinished UTF-8 sequence cannot still be completing. */
const MAX_PENDING_TOKENS = 4;
/** Preceding tokens given to the detokenizer so leading-space rules apply correctly. */
const CONTEXT_TOKENS = 8;

export class TokenTextStream {
  private readonly done: number[] = [];
  private pending: number[] = [];
  private text = '';
  private emitted = 0;
  private readonly holdBack: number;
  /** Set once a stop string was found; `text` is then cut before it. */
  stopped = false;
  /** The stop string that ended the stream, once `stopped`. */
  stoppedBy: string | undefined;
  /** Text decoded after the stop string (in the same tokens), once `stopped`. */
  afterStop = '';

  /**
   * `trimTrailingWhitespace`: whitespace at the end is shown only once more text follows it, and
   * dropped at the end (a JSON grammar may pad its output with newlines before it may stop).
   */
  constructor(
    private readonly detokenize: Detokenize,
    private readonly stopStrings: readonly string[] = [],
    private readonly trimTrailingWhitespace = false,
  ) {
    this.holdBack = Math.max(0, ...stopStrings.map((s) => s.length - 1));
  }

  /** Adds one token; returns the text that is now safe to show (possibly ''). */
  push(token: number): string {
    this.pending.push(token);
    const decoded = this.detokenize(this.pending, this.done.slice(-CONTEXT_TOKENS));
    if (decoded.endsWith('\uFFFD') && this.pending.length < MAX_PENDING_TOKENS) return '';
    this.done.push(...this.pending);
    this.pending = [];
    return this.append(decoded, false);
  }

  /** Ends the stream; returns whatever was still held back. */
  finish(): string {
    if (this.stopped) return '';
    const rest = this.pending.length ? this.detokenize(this.pending, this.done.slice(-CONTEXT_TOKENS)) : '';
    this.pending = [];
    return this.append(rest, true);
  }

  /** The full reply so far (cut before a stop string if one was found). */
  get fullText(): string {
    return this.text;
  }

  private append(piece: string, final: boolean): string {
    if (this.stopped) return '';
    const searchFrom = Math.max(0, this.text.length - this.holdBack);
    this.text += piece;
    for (const stop of this.stopStrings) {
      const at = this.text.indexOf(stop, searchFrom);
      if (at !== -1) {
        this.afterStop = this.text.slice(at + stop.length);
        this.text = this.text.slice(0, at);
        this.stopped = true;
        this.stoppedBy = stop;
      }
    }
    if (this.trimTrailingWhitespace && (this.stopped || final)) this.text = this.text.trimEnd();
    let safeEnd = this.stopped || final ? this.text.length : Math.max(this.emitted, this.text.length - this.holdBack);
    if (this.trimTrailingWhitespace) safeEnd = Math.max(this.emitted, Math.min(safeEnd, this.text.trimEnd().length));
    const out = this.text.slice(this.emitted, safeEnd);
    this.emitted = safeEnd;
    return out;
  }
}
