import type { LlamaContextSequence, Token } from 'node-llama-cpp';
import { ReplyTokens } from './replyTokens';

/** One context sequence and who uses it. Sequences live as long as the context; requests borrow them. */
export interface SequenceSlot {
  readonly id: number;
  readonly sequence: LlamaContextSequence;
  busy: boolean;
  /** Monotonic counter of the last borrow, for least-recently-used choice. */
  lastUsed: number;
  /** The reply the last borrower generated and the tokens it generated, until the pool remembers them on release. */
  lastReply?: { text: string; tokens: Token[]; detokenize(tokens: Token[]): string } | undefined;
}

/**
 * The sequences of one context. A request borrows the free sequence that saves the most work:
 * the one whose KV cache already holds the longest prefix of its prompt (a conversation that
 * comes back finds its own sequence), weighed against the cached tokens of another conversation
 * it would throw away. Among equals an empty sequence wins, then the lowest id — new work fills
 * the gap a finished middle sequence left, so batches keep contiguous, ascending sequence ids
 * (llama.cpp splits a batch with a gap into several graph computations) — then the least recently used.
 */
export class SequencePool {
  private clock = 0;
  readonly slots: SequenceSlot[];
  /** How the replies generated on these sequences were spelled in tokens (prompts render them so). */
  readonly replies = new ReplyTokens();

  /**
   * `sequences` in the order they were taken from a fresh context: node-llama-cpp hands out ids
   * 0, 1, 2… in that order (it keeps the id private), so the index is the llama.cpp sequence id.
   */
  constructor(sequences: LlamaContextSequence[]) {
    this.slots = sequences.map((sequence, id) => ({ id, sequence, busy: false, lastUsed: 0 }));
  }

  get free(): number {
    return this.slots.filter((slot) => !slot.busy).length;
  }

  /** Borrows the best free sequence for `prompt`, or undefined when all are busy. */
  acquire(prompt: readonly Token[]): SequenceSlot | undefined {
    let best: { slot: SequenceSlot; score: number } | undefined;
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const score = reuseScore(slot.sequence, prompt);
      if (!best || score > best.score || (score === best.score && prefer(slot, best.slot))) best = { slot, score };
    }
    if (!best) return undefined;
    best.slot.busy = true;
    best.slot.lastUsed = ++this.clock;
    return best.slot;
  }

  release(slot: SequenceSlot): void {
    slot.busy = false;
    if (slot.lastReply) this.replies.remember(slot.lastReply.text, slot.lastReply.tokens, slot.lastReply.detokenize);
    slot.lastReply = undefined;
  }
}

/** Prompt tokens saved minus half the other tokens lost (they may never be asked for again). */
export function reuseScore(sequence: Pick<LlamaContextSequence, 'compareContextTokens' | 'nextTokenIndex'>, prompt: readonly Token[]): number {
  const held = sequence.nextTokenIndex;
  if (held === 0) return 0;
  const matched = Math.min(sequence.compareContextTokens(prompt as Token[]).firstDifferentIndex, Math.max(0, prompt.length - 1));
  return matched - (held - matched) / 2;
}

function prefer(a: SequenceSlot, b: SequenceSlot): boolean {
  const aEmpty = a.sequence.nextTokenIndex === 0;
  const bEmpty = b.sequence.nextTokenIndex === 0;
  if (aEmpty !== bEmpty) return aEmpty;
  if (aEmpty) return a.id < b.id;
  return a.lastUsed < b.lastUsed;
}

/**
 * Keeps the KV cache for the longest common prefix of what the sequence already holds and the new
 * prompt, erases the rest, and returns how many prompt tokens need no evaluation. At least one
 * token is always left to evaluate, since generation needs fresh logits.
 */
export async function reusePrefix(sequence: LlamaContextSequence, promptTokens: Token[]): Promise<number> {
  const { firstDifferentIndex } = sequence.compareContextTokens(promptTokens);
  const keep = Math.max(0, Math.min(firstDifferentIndex, promptTokens.length - 1));
  if (sequence.nextTokenIndex > keep) {
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  }
  return keep;
}
