import { SpecialToken, SpecialTokensText, type LlamaText, type Token, type Tokenizer } from 'node-llama-cpp';

/** Replies whose token spelling is remembered; older ones are forgotten first. */
const MAX_REPLIES = 128;

/**
 * The tokens the model generated for its recent replies, by reply text.
 *
 * Why: a model does not always generate the tokenizer's own spelling of its text (a random or
 * sampled choice of `" ab" + "c"` where the tokenizer would write `" a" + "bc"`). When the next
 * turn renders the conversation again, tokenizing the reply's text gives other tokens than the
 * ones in the KV cache, the prefix match ends at the reply's first differing token, and the whole
 * reply — 1,024 tokens after a reply that hit its limit — is evaluated again (or, worse, the
 * mismatch makes another sequence look cheaper and nothing is reused). Rendering a known reply
 * with the tokens the model itself produced keeps the cache valid; the text is the same.
 */
export class ReplyTokens {
  private readonly byText = new Map<string, Token[]>();

  /** Keeps `tokens` as the spelling of `text`, when they really spell it. */
  remember(text: string, tokens: readonly Token[], detokenize: (tokens: Token[]) => string): void {
    if (!text || tokens.length === 0 || detokenize([...tokens]) !== text) return;
    this.byText.delete(text);
    this.byText.set(text, [...tokens]);
    while (this.byText.size > MAX_REPLIES) this.byText.delete(this.byText.keys().next().value!);
  }

  has(text: string): boolean {
    return this.byText.has(text);
  }

  /** The generated tokens of `text`, if it was a recent reply (and marks it as recently used). */
  take(text: string): Token[] | undefined {
    const tokens = this.byText.get(text);
    if (!tokens) return undefined;
    this.byText.delete(text);
    this.byText.set(text, tokens);
    return tokens;
  }

  get size(): number {
    return this.byText.size;
  }
}

/**
 * Tokenizes a rendered chat exactly as `LlamaText.tokenize` does (same splitting around special
 * tokens, same leading-space rule), except that the texts in `replies` (the assistant messages,
 * in order) are spelled with the tokens the model generated for them when those are known. The
 * text before a reply is tokenized on its own, as it was when that reply's prompt was rendered
 * (it ended at the assistant prefix), so the prefix matches too.
 */
export function tokenizeWithReplies(text: LlamaText, tokenizer: Tokenizer, replies: readonly string[], known: ReplyTokens | undefined): Token[] {
  const queue = known ? replies.filter((reply) => reply.length > 0 && known.has(reply)) : [];
  const out: Token[] = [];
  let pending = '';
  const hasContent = () => out.length > 0 || pending.length > 0;
  const flush = () => {
    if (pending.length === 0) {
      out.push(...tokenizer('', false, hasContent() ? 'trimLeadingSpace' : undefined));
      return;
    }
    let from = 0;
    for (;;) {
      // The first remembered reply found next; replies before it in the queue were not rendered verbatim.
      const next = queue.findIndex((reply) => pending.indexOf(reply, from) !== -1);
      if (next === -1) break;
      const reply = queue[next]!;
      queue.splice(0, next + 1);
      const at = pending.indexOf(reply, from);
      if (at > from) out.push(...tokenizer(pending.slice(from, at), false, 'trimLeadingSpace'));
      out.push(...known!.take(reply)!);
      from = at + reply.length;
    }
    if (from < pending.length) out.push(...tokenizer(pending.slice(from), false, 'trimLeadingSpace'));
  };
  for (const value of text.values) {
    if (value instanceof SpecialToken) {
      flush();
      out.push(...value.tokenize(tokenizer));
      pending = '';
    } else if (value instanceof SpecialTokensText) {
      flush();
      out.push(...value.tokenize(tokenizer, hasContent()));
      pending = '';
    } else {
      pending += value;
    }
  }
  flush();
  return out;
}
