import type { ApiContext } from './apiContext';
import type { ChatMessageBody } from './responsesRequest';

/** How many responses are kept for `previous_response_id`, per API server; the least recently used goes first. */
export const RESPONSES_KEPT = 100;
/** Characters of text the kept responses may add up to (about 64 MB of UTF-16); past it the oldest go too. */
export const RESPONSES_KEPT_CHARS = 32 * 1024 * 1024;

interface Kept {
  /** The whole conversation up to and including this response's output (no `instructions`). */
  messages: ChatMessageBody[];
  /** Characters this response added (earlier turns are shared with the response it followed). */
  chars: number;
}

/**
 * The conversations of recent responses, in memory only (gone when the server stops), so a
 * follow-up that names `previous_response_id` continues where that response ended. A follow-up's
 * list reuses the earlier one's message objects, so a long chain costs its own text once.
 */
export class ResponseStore {
  private readonly kept = new Map<string, Kept>();
  private chars = 0;

  /** The conversation a response ended with; marks it recently used. */
  get(id: string): ChatMessageBody[] | undefined {
    const entry = this.kept.get(id);
    if (!entry) return undefined;
    this.kept.delete(id);
    this.kept.set(id, entry);
    return entry.messages;
  }

  /** Keeps a response's conversation; `added`: the messages it brought (input and output). */
  put(id: string, messages: ChatMessageBody[], added: ChatMessageBody[]): void {
    const chars = added.reduce((sum, message) => sum + JSON.stringify(message).length, 0);
    this.kept.set(id, { messages, chars });
    this.chars += chars;
    while (this.kept.size > RESPONSES_KEPT || (this.chars > RESPONSES_KEPT_CHARS && this.kept.size > 1)) {
      const [oldest, entry] = this.kept.entries().next().value as [string, Kept];
      this.kept.delete(oldest);
      this.chars -= entry.chars;
    }
  }

  get size(): number {
    return this.kept.size;
  }
}

/** One store per API server: its context is made once per server, and the store goes with it. */
const stores = new WeakMap<ApiContext, ResponseStore>();

export function responseStoreOf(ctx: ApiContext): ResponseStore {
  let store = stores.get(ctx);
  if (!store) {
    store = new ResponseStore();
    stores.set(ctx, store);
  }
  return store;
}
