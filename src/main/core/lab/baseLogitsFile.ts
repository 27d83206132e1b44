/**
 * The base file of llama.cpp's `llama-perplexity --kl-divergence-base`, written and read the same
 * way (so either tool reads the other's): "_logits_", n_ctx (u32), n_vocab (i32), n_chunk (i32),
 * the n_chunk × n_ctx tokens (i32), then per chunk the scored positions' records of
 * `recordSlots(n_vocab)` uint16 each (see klDivergence.ts). Little endian, as on every platform
 * llama.cpp runs on.
 */
import { open } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import { recordSlots } from './klDivergence';

const HEADER_BYTES = 8 + 4 + 4 + 4;

/** Scored tokens of one chunk: positions n_ctx/2 … n_ctx − 2 each predict the next token. */
export function scoredPerChunk(contextSize: number): number {
  return contextSize - 1 - Math.floor(contextSize / 2);
}

/** Byte offset of chunk `chunk`'s records: after the header and the file's n_chunk × n_ctx tokens. */
export function recordOffset(chunk: number, chunks: number, contextSize: number, nVocab: number): number {
  const chunkBytes = scoredPerChunk(contextSize) * recordSlots(nVocab) * 2;
  return HEADER_BYTES + chunks * contextSize * 4 + chunk * chunkBytes;
}

/** Starts the base file as llama-perplexity does; n_vocab is filled in after the first chunk. */
export async function writeHeader(file: string, contextSize: number, chunks: number, tokens: readonly number[]): Promise<void> {
  const header = Buffer.alloc(HEADER_BYTES + chunks * contextSize * 4);
  header.write('_logits_', 0, 'latin1');
  header.writeUInt32LE(contextSize, 8);
  header.writeInt32LE(0, 12);
  header.writeInt32LE(chunks, 16);
  for (let i = 0; i < chunks * contextSize; i++) header.writeInt32LE(tokens[i]!, HEADER_BYTES + i * 4);
  const handle = await open(file, 'w');
  try {
    await handle.write(header);
  } finally {
    await handle.close();
  }
}

export async function patchVocab(file: string, nVocab: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const value = Buffer.alloc(4);
    value.writeInt32LE(nVocab, 0);
    await handle.write(value, 0, 4, 12);
  } finally {
    await handle.close();
  }
}

/** Reads `slots` uint16 values at `offset` into an aligned array (a pooled Buffer may not be). */
export async function readRecords(file: string, offset: number, slots: number): Promise<Uint16Array> {
  const records = new Uint16Array(slots);
  const handle = await open(file, 'r');
  try {
    const bytes = new Uint8Array(records.buffer);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset);
    if (bytesRead !== bytes.length) throw new AppError('ENGINE_ERROR', 'The base log-probabilities file is shorter than expected.');
  } finally {
    await handle.close();
  }
  return records;
}

export async function appendRecords(file: string, records: Uint16Array): Promise<void> {
  const handle = await open(file, 'a');
  try {
    await handle.write(new Uint8Array(records.buffer, records.byteOffset, records.byteLength));
  } finally {
    await handle.close();
  }
}
