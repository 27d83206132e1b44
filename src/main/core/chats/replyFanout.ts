import type { ChatReplyChunk } from '../../../shared/chatDto';
import type { CallContext } from '../../../shared/contract';

type Listener = (chunk: ChatReplyChunk) => void;

/**
 * Where one running reply's chunks go: the caller that asked for it, and every caller that
 * attached later (a reloaded page, a second tab). Each listener gets the chunks of its own call —
 * nothing is broadcast on the event bus — and a listener that attaches mid-reply first gets the
 * state so far (the ids, the text written, or the prompt progress), then the rest.
 *
 * A listener going away (its socket closed, its call cancelled) only stops its own stream: the
 * reply belongs to core and runs on until it ends or is stopped.
 */
export class ReplyFanout {
  private readonly listeners = new Set<Listener>();
  private started: Extract<ChatReplyChunk, { type: 'started' }> | undefined;
  private text = '';
  private tokenCount = 0;
  /** The latest queue or prompt progress, until text arrives. */
  private progress: Exclude<ChatReplyChunk, { type: 'started' } | { type: 'tokens' }> | undefined;

  /** Adds a caller; it gets the state so far at once. Removed when its call is aborted or the reply ends. */
  add(caller: Pick<CallContext<ChatReplyChunk>, 'emit' | 'signal'>): void {
    if (caller.signal.aborted) return;
    const listener: Listener = (chunk) => caller.emit(chunk);
    if (this.started) {
      send(listener, this.started);
      if (this.text) send(listener, { type: 'tokens', text: this.text, tokenCount: this.tokenCount });
      else if (this.progress) send(listener, this.progress);
    }
    this.listeners.add(listener);
    caller.signal.addEventListener('abort', () => this.listeners.delete(listener), { once: true });
  }

  /** Sends a chunk to every listener and keeps what a later listener needs to catch up. */
  emit(chunk: ChatReplyChunk): void {
    if (chunk.type === 'started') this.started = chunk;
    else if (chunk.type === 'toolRound') {
      // The text so far became a stored round (read with the chat); the next round starts empty.
      this.text = '';
      this.tokenCount = 0;
      this.progress = undefined;
    } else if (chunk.type === 'toolCall') {
      // Part of a call the next `toolRound` stores; nothing a late listener needs.
    } else if (chunk.type === 'tokens') {
      this.text += chunk.text;
      this.tokenCount += chunk.tokenCount;
      this.progress = undefined;
    } else if (!this.text) this.progress = chunk;
    for (const listener of this.listeners) send(listener, chunk);
  }

  /** The reply ended: no more chunks. */
  close(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}

function send(listener: Listener, chunk: ChatReplyChunk): void {
  try {
    listener(chunk);
  } catch {
    // The caller went away; the reply still completes and is saved for every other window.
  }
}
