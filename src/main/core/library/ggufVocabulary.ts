/**
 * The vocabulary (`tokenizer.ggml.tokens`) check: two tokens with the same text make llama.cpp
 * abort its process (GGML_ASSERT, not an exception), and a single flipped bit in a token can
 * cause it, so it is checked while listing. The texts are not kept: one 53-bit hash per token
 * (8 bytes; 2 MB for a 262k vocabulary) is sorted and compared once all are in; only the few
 * texts whose hashes repeat are read again and compared byte for byte.
 */
import { READ_CHUNK_BYTES, type BoundedReader } from './boundedReader';
import { damaged, quote } from './ggufProblems';
import { readStringLength } from './ggufStrings';

/** Vocabularies above this size (8 MiB of hashes) are not checked; real ones stay below 300k. */
export const MAX_CHECKED_TOKENS = 1 << 20;

/** Collects one hash per token; see the module comment. */
class TokenDuplicateFinder {
  private readonly hashes: Float64Array;
  private count = 0;

  /** @param capacity number of tokens that will be added (at most {@link MAX_CHECKED_TOKENS}). */
  constructor(capacity: number) {
    this.hashes = new Float64Array(capacity);
  }

  /** Adds the token whose UTF-8 text is `buffer[start, end)`. */
  add(buffer: Uint8Array, start: number, end: number): void {
    this.hashes[this.count++] = hash53(buffer, start, end);
  }

  /** Hashes seen more than once: candidates, to be confirmed by comparing the texts. */
  repeatedHashes(): Set<number> {
    const sorted = this.hashes.subarray(0, this.count).sort();
    const repeated = new Set<number>();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!);
    return repeated;
  }
}

/**
 * Two independent 32-bit multiplicative lanes over the bytes, each finished with an avalanche
 * step, combined into 53 bits (exact in a double). Among 262k tokens two different texts share a
 * hash with a chance of about 1 in 250,000, which is why repeated hashes are confirmed on the texts.
 */
function hash53(bytes: Uint8Array, start: number, end: number): number {
  let a = 0x811c9dc5 ^ (end - start);
  let b = 0x2545f491;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x5bd1e995);
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d);
  b = Math.imul(b ^ (b >>> 12), 0x297a2d39);
  b ^= b >>> 15;
  return (b >>> 11) * 2 ** 32 + (a >>> 0);
}

/** The metadata key of the token texts. */
export const VOCABULARY_KEY = 'tokenizer.ggml.tokens';
/** Names item `item` (0-based) of array `key` in messages. */
export const itemWhat = (item: number, key: string) => `item ${item + 1} of ${quote(key)}`;

/**
 * Walks the token texts like any string array, and fails when two are the same text. Empty
 * texts are left out: llama.cpp renames each to a unique placeholder. Texts longer than one read
 * chunk are left out too: no real token comes near 64 KiB.
 */
export async function walkVocabulary(reader: BoundedReader, key: string, count: number): Promise<void> {
  const start = reader.position;
  const finder = new TokenDuplicateFinder(count);
  const hashable = (length: number) => length > 0 && length <= READ_CHUNK_BYTES;
  for (let item = 0; item < count; item++) {
    const length = await readStringLength(reader, () => itemWhat(item, key));
    if (hashable(length)) await reader.visit(length, (buffer, from, to) => finder.add(buffer, from, to));
    else reader.skip(length);
  }
  const suspects = finder.repeatedHashes();
  if (suspects.size === 0) return;
  // Second pass over the same (already validated) bytes: compare the texts behind repeated hashes.
  const end = reader.position;
  reader.position = start;
  const seen = new Set<string>();
  for (let item = 0; item < count; item++) {
    const length = await reader.u64();
    if (!hashable(length)) {
      reader.skip(length);
      continue;
    }
    const text = await reader.visit(length, (buffer, from, to) => (suspects.has(hash53(buffer, from, to)) ? buffer.toString('latin1', from, to) : undefined));
    if (text === undefined) continue;
    if (seen.has(text)) {
      throw damaged(`the token ${quote(Buffer.from(text, 'latin1').toString('utf8'))} appears twice in the vocabulary (llama.cpp cannot load it)`);
    }
    seen.add(text);
  }
  reader.position = end;
}
